"""Drives Confluent's Python SchemaRegistryClient, AvroSerializer and AvroDeserializer against an
Affinity node's /schemas routes.

Usage: confluent_client.py BASE_URL RUST_FRAME_HEX

BASE_URL is the registry's base URL (http://127.0.0.1:PORT/schemas). RUST_FRAME_HEX is a
Confluent-framed Avro value that the Rust side encoded with a schema registered under subject
`rust-value`. Prints `OK <check>` per check, then `FRAME <hex>` (a value the Python serializer
framed) and `DECODED <json>` (the Rust frame as the Python deserializer read it). Any failed
check raises, so the exit status is non-zero.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

base, rust_frame = sys.argv[1], bytes.fromhex(sys.argv[2])

V1 = json.dumps({
    "type": "record", "name": "Reading", "namespace": "py.test",
    "fields": [{"name": "sensor", "type": "string"}, {"name": "value", "type": "double"}],
})
V2 = json.dumps({
    "type": "record", "name": "Reading", "namespace": "py.test",
    "fields": [{"name": "sensor", "type": "string"}, {"name": "value", "type": "double"},
               {"name": "unit", "type": "string", "default": "C"}],
})
# A new field without a default: not BACKWARD compatible.
BAD = json.dumps({
    "type": "record", "name": "Reading", "namespace": "py.test",
    "fields": [{"name": "sensor", "type": "string"}, {"name": "value", "type": "double"},
               {"name": "site", "type": "string"}],
})


def client():
    # A fresh client each time, so its caches answer nothing.
    return SchemaRegistryClient({"url": base, "max.retries": 0})


def ok(check):
    print("OK", check, flush=True)


def expect_error(call, status, code):
    try:
        call()
    except SchemaRegistryError as e:
        assert e.http_status_code == status, (e.http_status_code, e.error_code, e.error_message)
        assert e.error_code == code, (e.http_status_code, e.error_code, e.error_message)
        return e
    raise AssertionError(f"expected error {status}/{code}")


subject = "readings-value"
id1 = client().register_schema(subject, Schema(V1, "AVRO"))
assert client().register_schema(subject, Schema(V1, "AVRO")) == id1
ok("register is idempotent")

fetched = client().get_schema(id1)
assert fetched.schema_type == "AVRO"
assert json.loads(fetched.schema_str)["fields"] == json.loads(V1)["fields"]
ok("get_schema by id")

assert client().test_compatibility(subject, Schema(V2, "AVRO")) is True
assert client().test_compatibility(subject, Schema(BAD, "AVRO")) is False
assert client().test_compatibility_all_versions(subject, Schema(BAD, "AVRO"), verbose=True) is False
ok("test_compatibility")

id2 = client().register_schema(subject, Schema(V2, "AVRO"))
assert id2 != id1
latest = client().get_latest_version(subject)
assert (latest.schema_id, latest.version, latest.subject) == (id2, 2, subject), latest
assert client().get_version(subject, 1).schema_id == id1
assert client().get_versions(subject) == [1, 2]
assert subject in client().get_subjects()
found = client().lookup_schema(subject, Schema(V1, "AVRO"))
assert (found.schema_id, found.version) == (id1, 1), found
ok("versions, latest, subjects, lookup")

e = expect_error(lambda: client().register_schema(subject, Schema(BAD, "AVRO")), 409, 409)
assert "incompatible" in e.error_message.lower(), e.error_message
expect_error(lambda: client().get_schema(987654), 404, 40403)
expect_error(lambda: client().get_versions("no-such-subject"), 404, 40401)
expect_error(lambda: client().get_version(subject, 9), 404, 40402)
expect_error(lambda: client().lookup_schema(subject, Schema(BAD, "AVRO")), 404, 40403)
expect_error(lambda: client().register_schema(subject, Schema("{\"type\": \"nope\"}", "AVRO")), 422, 42201)
ok("errors")

assert client().get_compatibility() == "BACKWARD"
client().set_compatibility(subject_name=subject, level="NONE")
assert client().get_compatibility(subject) == "NONE"
client().register_schema(subject, Schema(BAD, "AVRO"))
client().set_compatibility(level="FULL")
assert client().get_compatibility() == "FULL"
client().set_compatibility(level="BACKWARD")
ok("compatibility levels")

# The serializer registers the schema and frames the value; a deserializer with a fresh client
# fetches the writer schema by id and reads it back.
ctx = SerializationContext("sensors", MessageField.VALUE)
serializer = AvroSerializer(client(), V1, conf={"auto.register.schemas": True})
frame = serializer({"sensor": "s-1", "value": 21.5}, ctx)
assert frame[0] == 0
assert AvroDeserializer(client())(frame, ctx) == {"sensor": "s-1", "value": 21.5}
assert client().get_latest_version("sensors-value").schema_id == int.from_bytes(frame[1:5], "big")
ok("serializer round trip")

decoded = AvroDeserializer(client())(rust_frame, SerializationContext("rust", MessageField.VALUE))
ok("deserialized the Rust frame")

assert sorted(client().delete_subject(subject)) == [1, 2, 3]
expect_error(lambda: client().get_versions(subject), 404, 40401)
assert client().get_schema(id1) is not None
ok("delete_subject")

print("FRAME", frame.hex(), flush=True)
print("DECODED", json.dumps(decoded, sort_keys=True), flush=True)
