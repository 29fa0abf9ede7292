"""The triage step's decisions: candidates, findings and the case's status, ranking, the phenotype's fit, the genes assessed, the next steps."""
