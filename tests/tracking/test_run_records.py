"""An ablation row is read from a run of exactly the main run's recipe with the ablated setting changed,
never from the newest run that merely has the ablated value (a smoke run, another encoder or seed);
the seed spread is read from the same recipe's newest run per seed."""

from mlflow.tracking import MlflowClient

from emopipe.tracking.run_records import RegistryReader

MAIN = {"profile": "cpu", "encoder": "base", "seed": "13", "epochs": "3", "vad_mapper": "nrc_scaled"}


def _store(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("vad_regressor", artifact_location=(tmp_path / "artifacts").as_uri())

    def run(params: dict, figure: float, status: str = "FINISHED") -> str:
        made = client.create_run(experiment)
        for key, value in params.items():
            client.log_param(made.info.run_id, key, value)
        client.log_metric(made.info.run_id, "test_macro_f1", figure)
        client.set_terminated(made.info.run_id, status=status)
        return made.info.run_id

    return uri, run


def test_the_ablation_is_the_newest_run_of_the_same_recipe(tmp_path):
    uri, run = _store(tmp_path)

    same_recipe = run(MAIN | {"vad_mapper": "arbitrary"}, 0.40)
    run(MAIN | {"vad_mapper": "arbitrary", "profile": "smoke"}, 0.90)  # newer, but a smoke run
    run(MAIN | {"vad_mapper": "arbitrary", "seed": "14"}, 0.80)  # newer, another seed
    run(MAIN | {"vad_mapper": "arbitrary", "frozen_layers": "2"}, 0.70)  # newer, one more setting
    run(MAIN | {"vad_mapper": "arbitrary"}, 0.95, status="FAILED")  # newer, but it failed
    reader = RegistryReader(uri)
    found = reader.matching_run("vad_regressor", MAIN, {"vad_mapper": "arbitrary"})
    assert found is not None and found.run_id == same_recipe and found.metrics["test_macro_f1"] == 0.40
    assert reader.matching_run("vad_regressor", MAIN | {"encoder": "retrofitted"}, {"vad_mapper": "arbitrary"}) is None
    assert reader.matching_run("no_such_experiment", MAIN, {"vad_mapper": "arbitrary"}) is None


def test_the_seed_spread_is_the_same_recipe_newest_run_per_seed(tmp_path):
    uri, run = _store(tmp_path)
    run(MAIN, 0.50)  # replaced by the newer run of seed 13
    run(MAIN | {"seed": "14"}, 0.54)
    run(MAIN | {"seed": "14", "encoder": "retrofitted"}, 0.90)  # another recipe
    run(MAIN | {"seed": "15", "vad_mapper": "arbitrary"}, 0.30)  # the ablation's seed, not the main run's
    run(MAIN | {"seed": "9"}, 0.40, status="FAILED")
    run(MAIN, 0.52)
    reader = RegistryReader(uri)
    assert [(r.params["seed"], r.metrics["test_macro_f1"]) for r in reader.seed_runs("vad_regressor", MAIN)] == [("13", 0.52), ("14", 0.54)]
    ablated = reader.seed_runs("vad_regressor", MAIN | {"seed": "14"}, {"vad_mapper": "arbitrary"})
    assert [(r.params["seed"], r.metrics["test_macro_f1"]) for r in ablated] == [("15", 0.30)]
    assert reader.seed_runs("no_such_experiment", MAIN) == []
