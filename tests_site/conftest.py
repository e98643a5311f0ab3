"""Set-up for the site tests (``make test-site``).

SIGTERM (from ``timeout``, a CI runner cancelling a job, ``kill``) normally ends Python at once,
skipping the ``finally`` blocks that shut the Jupyter server down. Here it raises instead, so
a cancelled run still closes the browser and the web server it started.
"""
import signal


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum} received: stopping the browser test")


signal.signal(signal.SIGTERM, _stop_on_sigterm)
