"""Serving the monitor in production: the supervisor behind `make serve`, its nginx template, the smoke client."""
