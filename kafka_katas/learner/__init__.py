"""The learner-facing layer: the `kata` command, the pytest plugin, grading."""
