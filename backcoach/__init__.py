"""backcoach: a terminal coach for safe, guided back exercise."""
