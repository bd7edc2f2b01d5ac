// Drives Confluent's official Node.js schema-registry client (@confluentinc/schemaregistry) against
// Parley's registry, so that conformance is judged by a client nobody at Parley wrote.
// Usage: node confluent-client.mjs <command> '<json args>'; prints one JSON line with the outcome.
import {
  AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType,
} from '@confluentinc/schemaregistry';

const [command, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? '{}');
const client = new SchemaRegistryClient({ baseURLs: [args.url], maxRetries: 0 });
const avro = (schema) => ({ schemaType: 'AVRO', schema });

// Avro longs can exceed 2^53: print them as JSON numbers when safe, never silently rounded.
const toJson = (value) => JSON.stringify(value, (_k, v) => {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return v;
});

async function failure(action) {
  try {
    const value = await action();
    return { ok: true, value };
  } catch (e) {
    return { ok: false, status: e.status ?? null, errorCode: e.errorCode ?? null, message: e.message };
  }
}

const commands = {
  // Registers an explicit schema (the JS client would otherwise infer one from the object), then
  // serializes with the subject's latest version, as Confluent recommends for interop.
  async serialize({ topic, schema, record }) {
    const id = await client.register(`${topic}-value`, avro(schema), false);
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const bytes = await serializer.serialize(topic, record);
    return { id, base64: bytes.toString('base64') };
  },

  async deserialize({ topic, base64 }) {
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
    const record = await deserializer.deserialize(topic, Buffer.from(base64, 'base64'));
    return { record };
  },

  // Compatibility check first (must say false), then the registration itself (must be refused).
  async incompatible({ subject, schema }) {
    const compatible = await client.testSubjectCompatibility(subject, avro(schema));
    const register = await failure(() => client.register(subject, avro(schema), false));
    return { compatible, register };
  },

  async unknownId({ subject, id }) {
    return failure(() => client.getBySubjectAndId(subject, id));
  },

  async unknownSubject({ subject }) {
    return failure(() => client.getLatestSchemaMetadata(subject));
  },
};

const run = commands[command];
if (!run) {
  console.error(`unknown command ${command}; one of ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
try {
  console.log(toJson(await run(args)));
} catch (e) {
  console.error(`${command} failed: ${e.stack ?? e}`);
  process.exit(1);
}
