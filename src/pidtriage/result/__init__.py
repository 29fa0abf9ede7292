"""A case's result as one typed model (`model.CaseResult`, triage.json field for field): built from the triage
stage's values (`build`), checked against its schema (`schema`), compared with an earlier run (`changes`)."""
