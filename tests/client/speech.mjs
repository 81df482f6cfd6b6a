// speech.mjs — the official OpenAI SDK against a running `litetts serve`:
//   node speech.mjs http://127.0.0.1:PORT VOICE
// Checks what an SDK user gets: a WAV of the right rate, a streamed MP3 that
// arrives in pieces, the models list, and an OpenAI-shaped error for a bad field.
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

try {
  await client.audio.speech.create({ model: 'tts-1', voice, input: 'x', speed: 9 });
  fail('speed 9 was accepted');
} catch (e) {
  if (!(e instanceof OpenAI.BadRequestError) || e.status !== 400) fail(`speed 9: ${e}`);
  if (e.param !== 'speed') fail(`speed 9: param ${e.param}`);
  console.log(`ok error 400 param=${e.param}: ${e.message}`);
}
console.log('all ok');
