"""Differential fuzzing of phpstreams against PHP 8.2 (see ``__main__``)."""
