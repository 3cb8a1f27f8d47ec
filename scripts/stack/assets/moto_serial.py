"""Serves moto's DynamoDB (and anything else moto emulates) one request at a time.

moto's own `moto_server` applies TransactWriteItems without a lock, so two concurrent transactions
can both pass a condition and lose an update. DynamoDB guarantees serializable transactions; a
process-wide lock around each request restores that guarantee. Connections are still served by
threads, so an idle keep-alive connection never blocks the others.
"""
import sys
import threading

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

host, port = sys.argv[1], int(sys.argv[2])
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialized(environ, start_response):
    with lock:
        # Materialise the body inside the lock: moto may compute it lazily.
        return list(app(environ, start_response))


run_simple(host, port, serialized, threaded=True, request_handler=MotoRequestHandler)
