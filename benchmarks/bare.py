"""The yardstick: a Flask app that answers "ok", served exactly as the real app is."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
