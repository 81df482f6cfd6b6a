// speech.mjs — the official OpenAI SDK against a running `litetts serve`:
//   node speech.mjs http://127.0.0.1:PORT VOICE
// Checks what an SDK user gets: a WAV of the right rate, a streamed MP3 that
// arrives in pieces, every other format by its magic bytes, SSE events with
// usage, the {"id"} voice form, the models list, and OpenAI-shaped errors.
import OpenAI from 'openai';

const [base, voice] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'not-needed', maxRetries: 0 });
const fail = (msg) => { console.error(`FAIL ${msg}`); process.exit(1); };

// wait until the model is loaded
for (let i = 0; ; i++) {
  const r = await fetch(`${base}/ready`).catch(() => null);
  if (r && r.ok) break;
  if (i > 300) fail('server never became ready');
  await new Promise((ok) => setTimeout(ok, 50));
}

const wav = Buffer.from(await (await client.audio.speech.create({
  model: 'tts-1', voice, input: 'Hello from the OpenAI SDK.', response_format: 'wav',
})).arrayBuffer());
if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') fail('wav: no RIFF/WAVE header');
if (wav.readUInt32LE(24) !== 24000) fail(`wav: sample rate ${wav.readUInt32LE(24)}`);
if (wav.length < 44 + 2 * 2400) fail(`wav: only ${wav.length} bytes`);
console.log(`ok wav ${wav.length} bytes at ${wav.readUInt32LE(24)} Hz`);

const res = await client.audio.speech.create({
  model: 'kokoro', voice, input: 'One sentence. And another one after it.', response_format: 'mp3',
});
let pieces = 0, bytes = 0;
for await (const part of res.body) { pieces++; bytes += part.length; }
if (bytes < 100) fail(`mp3: only ${bytes} bytes`);
console.log(`ok mp3 ${bytes} bytes in ${pieces} pieces`);

const models = await client.models.list();
const ids = models.data.map((m) => m.id);
if (!ids.includes('tts-1') || !ids.includes('kokoro')) fail(`models: ${ids.join(',')}`);
console.log(`ok models ${ids.join(',')}`);

const magic = {
  opus: (b) => b.toString('ascii', 0, 4) === 'OggS' && b.toString('ascii', 28, 36) === 'OpusHead',
  aac: (b) => b[0] === 0xff && (b[1] & 0xf0) === 0xf0,
  flac: (b) => b.toString('ascii', 0, 4) === 'fLaC',
  pcm: (b) => b.length % 2 === 0,
  ulaw: (b) => b.length > 0,
  alaw: (b) => b.length > 0,
};
for (const [fmt, ok] of Object.entries(magic)) {
  const b = Buffer.from(await (await client.audio.speech.create({
    model: 'tts-1', voice, input: `Format ${fmt}.`, response_format: fmt,
  })).arrayBuffer());
  if (b.length < 100 || !ok(b)) fail(`${fmt}: ${b.length} bytes, head ${b.subarray(0, 8).toString('hex')}`);
  console.log(`ok ${fmt} ${b.length} bytes`);
}

// SSE: speech.audio.delta events with base64 audio, then speech.audio.done with usage
const sse = await client.audio.speech.create({
  model: 'gpt-4o-mini-tts', voice, input: 'Streamed as events. Two of them at least.', response_format: 'pcm',
  stream_format: 'sse',
});
const text = await sse.text();
const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
const deltas = events.filter((e) => e.type === 'speech.audio.delta');
const done = events.find((e) => e.type === 'speech.audio.done');
const audioBytes = deltas.reduce((n, e) => n + Buffer.from(e.audio, 'base64').length, 0);
if (!deltas.length || audioBytes < 1000) fail(`sse: ${deltas.length} deltas, ${audioBytes} bytes`);
if (!done || !done.usage || !(done.usage.input_tokens > 0) || !(done.usage.output_tokens > 0) ||
    done.usage.total_tokens !== done.usage.input_tokens + done.usage.output_tokens) fail(`sse: done ${JSON.stringify(done)}`);
console.log(`ok sse ${deltas.length} deltas, ${audioBytes} bytes, usage ${JSON.stringify(done.usage)}`);

// the voice as an object {"id": ...}, as newer OpenAI clients send it: the same audio as by name
const byId = Buffer.from(await (await client.audio.speech.create({
  model: 'tts-1', voice: { id: voice }, input: 'Hello from the OpenAI SDK.', response_format: 'wav',
})).arrayBuffer());
if (Buffer.compare(byId, wav) !== 0) fail('voice {"id"}: not the same audio as the name');
console.log('ok voice {"id"}');

const expectError = async (what, Kind, status, param, call) => {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof Kind) || e.status !== status) fail(`${what}: ${e}`);
    if (param !== undefined && e.param !== param) fail(`${what}: param ${e.param}`);
    if (typeof e.message !== 'string' || !e.type) fail(`${what}: no message/type`);
    console.log(`ok error ${status}${param ? ` param=${param}` : ''}: ${e.message}`);
    return;
  }
  fail(`${what} was accepted`);
};
await expectError('speed 9', OpenAI.BadRequestError, 400, 'speed',
  () => client.audio.speech.create({ model: 'tts-1', voice, input: 'x', speed: 9 }));
await expectError('unknown voice', OpenAI.BadRequestError, 400, 'voice',
  () => client.audio.speech.create({ model: 'tts-1', voice: 'nobody_here', input: 'x' }));
await expectError('bad format', OpenAI.BadRequestError, 400, 'response_format',
  () => client.audio.speech.create({ model: 'tts-1', voice, input: 'x', response_format: 'wma' }));
await expectError('empty input', OpenAI.BadRequestError, 400, 'input',
  () => client.audio.speech.create({ model: 'tts-1', voice, input: '' }));
await expectError('unknown model', OpenAI.NotFoundError, 404, undefined, () => client.models.retrieve('no-such-model'));
console.log('all ok');
