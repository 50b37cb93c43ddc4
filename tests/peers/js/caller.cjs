// A JS caller and publisher: joins with a library and a serializer, runs the steps it reads as
// JSON on stdin, and prints one line per step: `answer <JSON>`.
//
// Usage: node caller.cjs LIBRARY SERIALIZER URL REALM < steps.json
//
// A step is `{"case", "call" or "publish": URI, "args", "kwargs", "background", "progress"}`
// (values as peer.cjs writes them). A step is awaited before the next one starts unless it is in
// the background; answers are printed in step order once every step has ended: `{"case",
// "result": {"args", "kwargs"}}`, `{"case", "error": {"uri", "args", "kwargs"}}` or `{"case",
// "published": true}`. A call with `"progress": true` asks for progressive results, and its answer
// has them as `"progress": [{"args", "kwargs"}, ...]`.

'use strict';

const { WampFailure, join, fromTestJson, stringify } = require('./peer.cjs');

async function run(peer, step) {
    const args = fromTestJson(step.args ?? []);
    const kwargs = fromTestJson(step.kwargs ?? {});
    // A step that asks for progressive results answers them too, in the order they came.
    const progress = step.progress ? { progress: [] } : {};
    const onProgress = step.progress ? (result) => progress.progress.push(result) : undefined;
    try {
        if ('publish' in step) {
            await peer.publish(step.publish, args, kwargs);
            return { case: step.case, published: true };
        }
        return { case: step.case, ...progress, result: await peer.call(step.call, args, kwargs, onProgress) };
    } catch (error) {
        if (error instanceof WampFailure) {
            return { case: step.case, ...progress, error: { uri: error.uri, args: error.args, kwargs: error.kwargs } };
        }
        return { case: step.case, ...progress, failed: String(error) };
    }
}

async function main() {
    const [library, serializer, url, realm] = process.argv.slice(2);
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const steps = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const peer = await join(library, serializer, url, realm);
    const answers = [];
    for (const step of steps) {
        const answer = run(peer, step);
        answers.push(answer);
        if (!step.background) {
            await answer;
        }
    }
    for (const answer of await Promise.all(answers)) {
        console.log(`answer ${stringify(answer)}`);
    }
    await peer.close();
    // Libraries keep timers and sockets alive after leaving; the answers are out.
    process.exit(0);
}

main().catch((error) => {
    console.error(`caller.cjs: ${error.stack ?? error}`);
    process.exit(1);
});
