"""Runs moto's DynamoDB (and anything else moto emulates) with repairs that make it behave like
DynamoDB where Lanepay's correctness depends on it.

1. Serializable transactions. moto's own server applies TransactWriteItems without a lock, so two
   concurrent transactions can both pass a condition and lose an update; DynamoDB never does.
   A process-wide lock around each request restores that guarantee. Connections are still served
   by threads, so an idle keep-alive connection never blocks the others.
2. Transactions in time independent of table size. moto snapshots every table a transaction names
   with copy.deepcopy, once per item, stream history included, so each transaction costs
   O(items x table) and a test suite slows to a crawl. Here the snapshot is a journal of the items
   the transaction names and the length of each stream, restored if the transaction is cancelled:
   the same all-or-nothing result, including no stream records for a cancelled transaction.
3. Transaction conflicts, as DynamoDB raises them. Behind the lock no two requests ever overlap,
   so moto never cancels a transaction with `TransactionConflict`, while DynamoDB does whenever two
   transactions (or a transaction and a single write) touch one item at once. Each request is
   given the time it arrived, before it queued for the lock: on DynamoDB it would have run then. A
   transaction conflicts with a committed one that shares an item when they arrived within the
   conflict window of each other and it arrived before that one answered (so a caller that waits
   for one answer before its next request never conflicts with itself). A single PutItem,
   UpdateItem or DeleteItem in that position gets `TransactionConflictException`. Arrival is
   stamped when Python gets to the request, so some true overlaps go unseen under load; on top of
   them, LANEPAY_DDB_CONFLICT_RATE cancels that fraction of all transactions at random, and
   `POST /_lanepay/conflict-rate {"table": T, "rate": R}` sets the rate for one table (a test's own).
   LANEPAY_DDB_CONFLICT_WINDOW_MS sets the window (default 15, about a transaction's latency on
   DynamoDB; 0 turns overlap conflicts off).
4. Queries in time independent of table size. moto answers every Query, on the table or on an
   index, by walking every item of the table. Here each table keeps its partitions, and each
   single-attribute global secondary index a map from its partition key to the table keys,
   updated on every write, so a query walks one partition.
5. TransactGetItems of up to 100 items, as DynamoDB takes since 2022 (moto still refuses more
   than 25, its old limit, while it takes 100 in TransactWriteItems).
6. A Query's FilterExpression may not name a key attribute of the table or index it reads: DynamoDB
   refuses it (ValidationException), moto filters on it. A list that filtered on its sort key passed
   every local test and would have answered 500 on AWS.
"""
import copy
import inspect
import json
import logging
import os
import random
import re
import sys
import threading
import time

import moto.dynamodb.models as models
import moto.dynamodb.responses as responses
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.exceptions import DynamodbException, TransactionCanceledException
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
# Read by moto's transact_get_items at each call.
responses.TRANSACTION_MAX_ITEMS = 100
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


CONFLICT_WINDOW_S = float(os.environ.get("LANEPAY_DDB_CONFLICT_WINDOW_MS", "15")) / 1000
CONFLICT_RATE = float(os.environ.get("LANEPAY_DDB_CONFLICT_RATE", "0"))
_table_conflict_rates = {}
_state = threading.local()
# (table name, hash, range) -> (arrival, answered) of the last transaction that committed on it,
# and of the last single write. A transaction conflicts with either; a single write only with a
# transaction (DynamoDB serializes single writes to one item without refusing any).
_last_transaction = {}
_last_single_write = {}


class TransactionConflictException(DynamodbException):
    error_type = "com.amazonaws.dynamodb.v20120810#TransactionConflictException"

    def __init__(self):
        super().__init__(self.error_type, message="Transaction is ongoing for the item")


def _arrival():
    return getattr(_state, "arrival", time.monotonic())


def _overlaps(item_key, arrival, writes=None):
    last = (writes if writes is not None else _last_transaction).get(item_key)
    if last is None or CONFLICT_WINDOW_S <= 0:
        return False
    last_arrival, last_answered = last
    return abs(arrival - last_arrival) < CONFLICT_WINDOW_S and arrival < last_answered


def _transaction_keys(backend, transact_items):
    keys = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        try:
            hash_value, range_value = _key_of(table, op) if table is not None else (None, None)
        except KeyError:
            hash_value, range_value = None, None  # moto reports the malformed request itself
        keys.append((table, hash_value, range_value))
    return keys


def _raise_if_conflicting(keys):
    arrival = _arrival()
    conflicting = [
        table is not None
        and hash_value is not None
        and any(_overlaps((table.name, hash_value, range_value), arrival, writes) for writes in (_last_transaction, _last_single_write))
        for table, hash_value, range_value in keys
    ]
    tables = {table.name for table, _, _ in keys if table is not None}
    rate = max([CONFLICT_RATE] + [_table_conflict_rates.get(name, 0) for name in tables])
    if not any(conflicting) and rate > 0 and keys and random.random() < rate:
        conflicting[random.randrange(len(keys))] = True
    if any(conflicting):
        raise TransactionCanceledException(
            [("TransactionConflict", "Transaction is ongoing for the item", None) if hit else (None, None, None) for hit in conflicting]
        )


def transact_write_items(self, transact_items):
    keys = _transaction_keys(self, transact_items)
    _raise_if_conflicting(keys)
    journal, streams = [], {}
    for table, hash_value, range_value in keys:
        if table is None or hash_value is None:
            continue
        journal.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        if table.stream_shard is not None:
            streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
    _state.in_transaction = True
    try:
        result = _moto_transact_write_items(self, transact_items)
    except Exception:
        for table, hash_value, range_value, original in reversed(journal):
            _restore(table, hash_value, range_value, original)
            _reindex(table, hash_value, range_value)
        for shard, length in streams.values():
            del shard.items[length:]
        raise
    finally:
        _state.in_transaction = False
    # Answered a little later than this, once the response is written; close enough for the window.
    answered = time.monotonic()
    for table, hash_value, range_value in keys:
        if table is not None and hash_value is not None:
            _last_transaction[(table.name, hash_value, range_value)] = (_arrival(), answered)
    return result


DynamoDBBackend.transact_write_items = transact_write_items


# --- Partition and index maps (4) -------------------------------------------------------------

def _single_hash_indexes(table):
    """Global secondary indexes whose partition key is one attribute: the ones the maps serve."""
    indexes = {}
    for index in table.global_indexes:
        hashes = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
        if len(hashes) == 1:
            indexes[index.name] = hashes[0]
    return indexes


def _index_state(table):
    state = getattr(table, "_lanepay_index", None)
    if state is None:
        indexes = _single_hash_indexes(table)
        state = {"indexes": indexes, "maps": {name: {} for name in indexes}, "entries": {}}
        table._lanepay_index = state
        for item in table.all_items():
            _add_entries(state, item)
    return state


def _add_entries(state, item):
    key = (item.hash_key, item.range_key)
    entries = {}
    for name, attribute in state["indexes"].items():
        value = item.attrs.get(attribute)
        if value is not None:
            state["maps"][name].setdefault(value, set()).add(key)
            entries[name] = value
    if entries:
        state["entries"][key] = entries


def _reindex(table, hash_value, range_value):
    state = getattr(table, "_lanepay_index", None)
    if state is None:
        return  # built from the table on its first index query
    key = (hash_value, range_value)
    for name, value in state["entries"].pop(key, {}).items():
        keys = state["maps"][name].get(value)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del state["maps"][name][value]
    item = table.get_item(hash_value, range_value) if (range_value is not None or not table.range_key_attr) else None
    if item is not None:
        _add_entries(state, item)


def _written(method, key_of):
    """Wraps a backend write: conflict check for single writes, then the index maps follow it."""

    def write(self, table_name, *args, **kwargs):
        table = self.get_table(table_name)
        try:
            hash_value, range_value = key_of(self, table, *args, **kwargs)
        except Exception:
            return method(self, table_name, *args, **kwargs)  # moto reports the malformed request itself
        single = not getattr(_state, "in_transaction", False)
        item_key = (table.name, hash_value, range_value)
        if single and _overlaps(item_key, _arrival()):
            raise TransactionConflictException()
        try:
            result = method(self, table_name, *args, **kwargs)
        finally:
            _reindex(table, hash_value, range_value)
        if single:
            _last_single_write[item_key] = (_arrival(), time.monotonic())
        return result

    return write


def _item_key(backend, table, item_attrs, *args, **kwargs):
    hash_value = DynamoType(item_attrs[table.hash_key_attr])
    range_value = DynamoType(item_attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _key_arg(backend, table, key, *args, **kwargs):
    return backend.get_keys_value(table, key)


DynamoDBBackend.put_item = _written(DynamoDBBackend.put_item, _item_key)
DynamoDBBackend.update_item = _written(DynamoDBBackend.update_item, _key_arg)
DynamoDBBackend.delete_item = _written(DynamoDBBackend.delete_item, _key_arg)

_moto_query = Table.query
_query_signature = inspect.signature(_moto_query)


def _query_candidates(table, arguments):
    index_name = arguments.get("index_name")
    if not index_name:
        hash_key = arguments.get("hash_key")
        if hash_key is None:
            return None
        partition = table.items.get(hash_key)
        if partition is None:
            return []
        return list(partition.values()) if table.range_key_attr else [partition]
    state = _index_state(table)
    attribute = state["indexes"].get(index_name)
    if attribute is None:
        return None
    wanted = [value for name, value in arguments.get("hash_key_conditions") or [] if name == attribute]
    if len(wanted) != 1:
        return None
    items = (table.get_item(hash_value, range_value) for hash_value, range_value in state["maps"][index_name].get(wanted[0], ()))
    return [item for item in items if item is not None]


def query(self, *args, **kwargs):
    arguments = _query_signature.bind(self, *args, **kwargs).arguments
    candidates = _query_candidates(self, arguments)
    if candidates is None:
        return _moto_query(self, *args, **kwargs)
    # moto's query walks all_items(); under the request lock, shadowing it for this call is safe.
    self.all_items = lambda: candidates
    try:
        return _moto_query(self, *args, **kwargs)
    finally:
        del self.all_items


Table.query = query


# --- Key attributes in a Query's filter (6) ----------------------------------------------------

_moto_query_response = responses.DynamoHandler.query
_value_or_call = re.compile(r":[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*\s*\(")
_path_names = re.compile(r"#?[A-Za-z_][A-Za-z0-9_]*")
_operators = {"and", "or", "not", "between", "in"}


def query_response(self):
    expression = self.body.get("FilterExpression")
    if expression:
        try:
            schema = self.dynamodb_backend.get_schema(table_name=self.body["TableName"], index_name=self.body.get("IndexName"))
        except Exception:
            schema = []  # moto reports the missing table or index itself
        keys = {key["AttributeName"] for key in schema}
        names = self.body.get("ExpressionAttributeNames", {})
        used = {names.get(token, token) for token in _path_names.findall(_value_or_call.sub(" ", expression)) if token.lower() not in _operators}
        named_keys = sorted(keys & used)
        if named_keys:
            raise responses.MockValidationException(
                f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {named_keys[0]}"
            )
    return _moto_query_response(self)


responses.DynamoHandler.query = query_response

host, port = sys.argv[1], int(sys.argv[2])
# werkzeug logs a line per request at INFO: a seventh of the emulator's CPU in a test run, behind its
# own lock. Warnings and errors still reach the log.
logging.getLogger("werkzeug").setLevel(logging.WARNING)
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def set_conflict_rate(environ, start_response):
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}")
    _table_conflict_rates[str(body["table"])] = float(body["rate"])
    start_response("204 No Content", [])
    return [b""]


# LANEPAY_DDB_REQUEST_LOG names a file that gets one line per request: when it was answered, how long
# it waited for the lock (the queue every caller shares), how long it held it, the operation, the first
# key prefix in its body (`IDEMP`, `PAY`...: whose request it was), its size, its outcome and that
# first key (authorize's requests all name its idempotency record first). bench/degradation.ts reads it to
# say where the payment path's time goes. Off unless set: a line per request is work too.
_request_log_path = os.environ.get("LANEPAY_DDB_REQUEST_LOG")
# Line-buffered: the bench reads the log while the emulator runs.
_request_log = open(_request_log_path, "a", buffering=1) if _request_log_path else None
_first_key = re.compile(rb'"S"\s*:\s*"(([A-Za-z_]+)#[^"\s]*)"')


def _described(environ):
    """The request's operation and key prefix; the body is read and put back for moto."""
    import io

    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    match = _first_key.search(body)
    operation = target.rsplit(".", 1)[-1] or environ.get("PATH_INFO", "")
    return operation, match.group(2).decode() if match else "-", match.group(1).decode() if match else "-", length


def _outcome(statuses, answer):
    """`200`, or the error and, for a cancelled transaction, each item's reason: `TransactionCanceledException:None,ConditionalCheckFailed`."""
    status = statuses[0] if statuses else "?"
    if status == "200":
        return status
    try:
        error = json.loads(b"".join(answer))
    except ValueError:
        return status
    kind = str(error.get("__type", status)).rsplit("#", 1)[-1]
    reasons = error.get("CancellationReasons")
    return f"{kind}:{','.join(str(r.get('Code')) for r in reasons)}" if reasons else kind


def serialized(environ, start_response):
    arrival = time.monotonic()
    if environ.get("PATH_INFO") == "/_lanepay/conflict-rate" and environ.get("REQUEST_METHOD") == "POST":
        with lock:
            return set_conflict_rate(environ, start_response)
    described = _described(environ) if _request_log else None
    with lock:
        started = time.monotonic()
        _state.arrival = arrival
        # Materialise the body inside the lock: moto may compute it lazily.
        if not described:
            return list(app(environ, start_response))
        statuses = []

        def recorded_start_response(status, headers, *rest):
            statuses.append(status.split(" ", 1)[0])
            return start_response(status, headers, *rest)

        answer = list(app(environ, recorded_start_response))
        held_ms = (time.monotonic() - started) * 1000
        operation, prefix, key, length = described
        _request_log.write(f"{time.time() * 1000:.0f} {(started - arrival) * 1000:.1f} {held_ms:.1f} {operation} {prefix} {length} {_outcome(statuses, answer)} {key}\n")
        return answer


run_simple(host, port, serialized, threaded=True, request_handler=MotoRequestHandler)
