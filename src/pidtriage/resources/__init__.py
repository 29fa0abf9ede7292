"""The annotation resources: `pidtriage resources fetch|check` and the panel's transcripts."""
