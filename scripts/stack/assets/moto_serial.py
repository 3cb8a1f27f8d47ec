"""Serves moto's DynamoDB (and anything else moto emulates) one request at a time.

moto's own `moto_server` is multi-threaded and applies TransactWriteItems without a lock, so two
concurrent transactions can both pass a condition and lose an update. DynamoDB guarantees
serializable transactions; serving requests one at a time restores that guarantee.
"""
import sys

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

host, port = sys.argv[1], int(sys.argv[2])
app = DomainDispatcherApplication(create_backend_app)
run_simple(host, port, app, threaded=False, request_handler=MotoRequestHandler)
