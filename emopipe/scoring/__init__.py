"""Scoring a user's corpus with the champions: reading it leniently (`corpus`), registering it as a
`scored_texts` partition (`requests`), and scoring it in length-sorted chunks (`score`)."""
