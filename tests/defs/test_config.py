"""An asset's Dagster config is derived from its method's dataclasses: options keep their defaults
and help, budget fields are overrides of the profile's budget, and the run configuration is one
flat dict that names every value once."""

import dagster as dg
import pytest

from emopipe.defs.config import asset_config, budget_of, options_of, run_settings
from emopipe.defs.retrofit_assets import RetrofitConfig
from emopipe.dimensional.options import VAD_BUDGETS as BUDGETS
from emopipe.dimensional.options import TextBudget, VadOptions
from emopipe.retrofitting.options import BUDGETS as RETROFIT_BUDGETS
from emopipe.retrofitting.options import FewShotOptions, RetrofitOptions


def test_options_and_budget_become_described_fields_with_one_default_each():
    config_class = asset_config("VadTestConfig", {"": VadOptions}, TextBudget)
    fields = config_class.model_fields
    assert fields["mapper"].default == "nrc_scaled" and "nrc | nrc_scaled | arbitrary" in fields["mapper"].description
    assert fields["epochs"].default is None and "default: the profile's budget" in fields["epochs"].description
    assert {"profile", "seed", "force_champion"} <= set(fields)
    schema = config_class.to_config_schema().as_field().config_type.fields  # what the Dagster UI shows
    assert "mapper" in schema and "epochs" in schema


def test_a_filled_config_gives_the_options_the_chosen_budget_and_the_run_configuration():
    config = asset_config("VadTestConfig", {"": VadOptions}, TextBudget)(profile="smoke", mapper="arbitrary", epochs=7)
    options, budget = options_of(config, VadOptions), budget_of(config, BUDGETS)
    assert options == VadOptions(mapper="arbitrary")
    assert budget.epochs == 7 and budget.encoder == BUDGETS["smoke"].encoder and budget.max_length == BUDGETS["smoke"].max_length
    settings = run_settings(config, budget, {"vad_": options}, {"encoder_model": "models:/x/1"})
    assert settings["profile"] == "smoke" and settings["seed"] == 13 and settings["epochs"] == 7
    assert settings["vad_mapper"] == "arbitrary" and settings["encoder_model"] == "models:/x/1"


def test_tuples_travel_as_lists_and_prefixes_keep_names_apart():
    config = RetrofitConfig(profile="smoke", few_shot_sizes=[2], encoders=["tiny-random-bert"])
    few_shot = options_of(config, FewShotOptions, "few_shot_")
    assert few_shot.sizes == (2,) and few_shot.batch_size == FewShotOptions().batch_size
    budget = budget_of(config, RETROFIT_BUDGETS)
    assert budget.encoders == ("tiny-random-bert",) and budget.batch_size == RETROFIT_BUDGETS["smoke"].batch_size
    settings = run_settings(config, budget, {"": options_of(config, RetrofitOptions), "few_shot_": few_shot})
    assert settings["few_shot_sizes"] == [2] and {"batch_size", "few_shot_batch_size", "learning_rate", "few_shot_learning_rate"} <= set(settings)


def test_a_name_set_twice_or_an_unknown_profile_is_an_error():
    with pytest.raises(ValueError, match="set twice"):
        run_settings(asset_config("C1", budget=TextBudget)(profile="cpu"), BUDGETS["cpu"], {"": BUDGETS["cpu"]})
    with pytest.raises(ValueError, match="shadow"):
        asset_config("C2", {"": BUDGETS["cpu"].__class__}, TextBudget)
    with pytest.raises(ValueError, match="unknown profile 'tpu'"):
        budget_of(asset_config("C3", budget=TextBudget)(profile="tpu"), BUDGETS)
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.materialize([_asset_with(asset_config("C4", {"": VadOptions}))], run_config={"ops": {"a": {"config": {"mapper": 3}}}})


def _asset_with(config_class):
    @dg.asset(name="a")
    def a(config: config_class) -> None:  # type: ignore[valid-type]
        return None

    return a
