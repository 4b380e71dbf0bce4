"""The insights stage: what converts, who looks like it, and which copy wins, from the pipeline's own
records and the vendors'."""
