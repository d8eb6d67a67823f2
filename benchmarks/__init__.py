"""Load runs against the app, side by side with a bare Flask endpoint (see ``web.py``)."""
