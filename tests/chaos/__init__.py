"""The chaos harness of issue 11: the product's jobs killed after every kind of vendor write (and their
answers lost), re-run cleanly, and measured against the sandbox and the store.

What belongs here: the catalogue of vendor writes (`catalogue.py`), the job families and their starting
states (`families.py`), what runs inside a job's own process (`worker.py`, `preload.py`), the scenario
runner (`runner.py`) and the measures (`measure.py`); the tests marked `chaos` and the unit tests of the
measures. `benchmarks/chaos.py` drives the same runner over every write boundary.
"""
