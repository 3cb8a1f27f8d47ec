"""Runs moto's DynamoDB (and anything else moto emulates) with two repairs for Lanepay's tests.

1. Serializable transactions. moto's own server applies TransactWriteItems without a lock, so two
   concurrent transactions can both pass a condition and lose an update; DynamoDB never does.
   A process-wide lock around each request restores that guarantee. Connections are still served
   by threads, so an idle keep-alive connection never blocks the others.
2. Transactions in time independent of table size. moto snapshots every table a transaction names
   with copy.deepcopy, once per item, stream history included, so each transaction costs
   O(items x table) and a test suite slows to a crawl. Here the snapshot is a journal of the items
   the transaction names and the length of each stream, restored if the transaction is cancelled:
   the same all-or-nothing result, including no stream records for a cancelled transaction.
"""
import copy
import sys
import threading

import moto.dynamodb.models as models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


class _NoTableCopies:
    """Stands in for the `copy` module inside moto.dynamodb.models: tables are journaled instead."""

    def deepcopy(self, obj, memo=None):
        if isinstance(obj, Table):
            return obj
        return copy.deepcopy(obj, memo)

    def __getattr__(self, name):
        return getattr(copy, name)


models.copy = _NoTableCopies()
_moto_transact_write_items = DynamoDBBackend.transact_write_items


def _key_of(table, op):
    attrs = op["Item"] if "Item" in op else op["Key"]
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _restore(table, hash_value, range_value, original):
    if range_value is not None:
        if original is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = original
    elif original is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = original


def transact_write_items(self, transact_items):
    journal, streams = [], {}
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = self.tables.get(op.get("TableName"))
        if table is None:
            continue
        try:
            hash_value, range_value = _key_of(table, op)
        except KeyError:
            continue  # moto reports the malformed request itself
        journal.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        if table.stream_shard is not None:
            streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
    try:
        return _moto_transact_write_items(self, transact_items)
    except Exception:
        for table, hash_value, range_value, original in reversed(journal):
            _restore(table, hash_value, range_value, original)
        for shard, length in streams.values():
            del shard.items[length:]
        raise


DynamoDBBackend.transact_write_items = transact_write_items

host, port = sys.argv[1], int(sys.argv[2])
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialized(environ, start_response):
    with lock:
        # Materialise the body inside the lock: moto may compute it lazily.
        return list(app(environ, start_response))


run_simple(host, port, serialized, threaded=True, request_handler=MotoRequestHandler)
