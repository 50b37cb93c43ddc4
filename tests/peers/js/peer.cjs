// What the JS peers share: a session of Autobahn|JS or wampy.js behind one small interface, and
// the values the Rust tests exchange with the peers, written as JSON lines.
//
// Values in the tests' JSON: `{"$bytes": "<hex>"}` is a binary value and `{"$undefined": null}`
// is JavaScript's `undefined` (what wampy.js sends as MessagePack extension type 0); integers
// that JavaScript holds as BigInt are written as plain JSON numbers.

'use strict';

/** A WAMP error as a caller receives it. */
class WampFailure extends Error {
    constructor(uri, args, kwargs) {
        super(uri);
        this.uri = uri;
        this.args = args ?? [];
        this.kwargs = kwargs ?? {};
    }
}

/** What a conversion given to `walk` returns for a value it leaves to `walk`. */
const DESCEND = Symbol('descend');

/**
 * `value` with every part that `convert` converts replaced; `convert` returns `DESCEND` for
 * the lists and dicts it leaves to `walk` to go through, and for the values to keep.
 */
function walk(value, convert) {
    const converted = convert(value);
    if (converted !== DESCEND) {
        return converted;
    }
    if (Array.isArray(value)) {
        return value.map((item) => walk(item, convert));
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, convert)]));
    }
    return value;
}

/** The tests' JSON form of a value into what the libraries send. */
function fromTestJson(value) {
    return walk(value, (part) => {
        if (part !== null && typeof part === 'object' && '$bytes' in part) {
            return Buffer.from(part.$bytes, 'hex');
        }
        if (part !== null && typeof part === 'object' && '$undefined' in part) {
            return undefined;
        }
        return DESCEND;
    });
}

/** A value the libraries received, in the tests' JSON form. */
function toTestJson(value) {
    return walk(value, (part) => {
        if (part === undefined) {
            return { $undefined: null };
        }
        if (part instanceof Uint8Array) {
            return { $bytes: Buffer.from(part).toString('hex') };
        }
        return DESCEND;
    });
}

/** JSON text of a received value; BigInts as JSON numbers, exactly. */
function stringify(value) {
    // BigInts become marked strings, then the marked strings their digits.
    const text = JSON.stringify(toTestJson(value), (_key, item) =>
        typeof item === 'bigint' ? `wamp-idl-bigint:${item}` : item,
    );
    return text.replace(/"wamp-idl-bigint:(-?\d+)"/g, '$1');
}

/**
 * Neither library applies WAMP's JSON convention for binary values (a string of NUL and base64),
 * so an application using JSON does, both ways; these are those two conversions.
 */
function bytesToJsonConvention(value) {
    return walk(value, (part) =>
        part instanceof Uint8Array ? `\u0000${Buffer.from(part).toString('base64')}` : DESCEND,
    );
}

function bytesFromJsonConvention(value) {
    return walk(value, (part) =>
        typeof part === 'string' && part.startsWith('\u0000') ? Buffer.from(part.slice(1), 'base64') : DESCEND,
    );
}

/** Both libraries' sessions, as `{call, publish, register, close}` on plain args and kwargs. */
class Peer {
    constructor(serializer, session) {
        this.json = serializer === 'json';
        this.session = session;
    }

    outgoing(value) {
        return this.json ? bytesToJsonConvention(value) : value;
    }

    incoming(value) {
        return this.json ? bytesFromJsonConvention(value) : value;
    }

    /** With `onProgress`, asks for progressive results and gives each to it as `{args, kwargs}`. */
    async call(procedure, args, kwargs, onProgress) {
        const incoming = ({ args: resultArgs, kwargs: resultKwargs }) => ({
            args: this.incoming(resultArgs),
            kwargs: this.incoming(resultKwargs),
        });
        const progress = onProgress && ((result) => onProgress(incoming(result)));
        return incoming(await this.session.call(procedure, this.outgoing(args), this.outgoing(kwargs), progress));
    }

    publish(topic, args, kwargs) {
        return this.session.publish(topic, this.outgoing(args), this.outgoing(kwargs));
    }

    /**
     * `handler(args, kwargs, progress)` answers `{args, kwargs}` or throws a `WampFailure`;
     * `progress(args, kwargs)` sends a progressive result, and is `undefined` when the caller did
     * not ask for them.
     */
    register(procedure, handler) {
        return this.session.register(procedure, async (args, kwargs, progress) => {
            const { args: resultArgs, kwargs: resultKwargs } = await handler(
                this.incoming(args),
                this.incoming(kwargs),
                progress && ((itemArgs, itemKwargs) => progress(this.outgoing(itemArgs), this.outgoing(itemKwargs))),
            );
            return { args: this.outgoing(resultArgs), kwargs: this.outgoing(resultKwargs) };
        });
    }

    close() {
        return this.session.close();
    }
}

/** Autobahn|JS: `serializer` is json, msgpack or cbor over WebSocket; RawSocket is JSON only. */
function autobahnSession(url, realm, serializer) {
    // Autobahn|JS wants Node 22's global WebSocket; on older Node, `ws` is that WebSocket.
    globalThis.WebSocket ??= require('ws');
    // Loaded only by the peers that use it: it takes most of a peer's start.
    const autobahn = require('autobahn');
    const serializers = {
        json: autobahn.serializer.JSONSerializer,
        msgpack: autobahn.serializer.MsgpackSerializer,
        cbor: autobahn.serializer.CBORSerializer,
    };
    const rawsocket = url.match(/^rs:\/\/([^:/]+):(\d+)$/);
    const transport = rawsocket
        ? { type: 'rawsocket', host: rawsocket[1], port: Number(rawsocket[2]) }
        : { type: 'websocket', url, serializers: [new serializers[serializer]()] };
    const connection = new autobahn.Connection({
        transports: [transport],
        realm,
        // A test's peer joins once; a retry would hide the reason it could not.
        max_retries: 0,
        retry_if_unreachable: false,
    });
    const fail = (error) =>
        error instanceof autobahn.Error ? new WampFailure(error.error, error.args, error.kwargs) : error;
    return new Promise((resolve, reject) => {
        connection.onclose = (reason, details) => {
            reject(new Error(`Autobahn|JS could not join ${url}: ${reason} ${JSON.stringify(details)}`));
        };
        // Autobahn|JS gives a lone positional result as itself, anything else as a Result.
        const payload = (result) =>
            result instanceof autobahn.Result
                ? { args: result.args, kwargs: result.kwargs }
                : { args: result === null ? [] : [result], kwargs: {} };
        connection.onopen = (session) => {
            resolve({
                // Progressive results are progress notifications of the call's when.js promise.
                call: (procedure, args, kwargs, onProgress) =>
                    session.call(procedure, args, kwargs, onProgress ? { receive_progress: true } : {}).then(
                        payload,
                        (error) => Promise.reject(fail(error)),
                        onProgress && ((result) => onProgress(payload(result))),
                    ),
                publish: (topic, args, kwargs) =>
                    session.publish(topic, args, kwargs, { acknowledge: true }).catch((error) => Promise.reject(fail(error))),
                register: (procedure, handler) =>
                    session.register(procedure, async (args, kwargs, details) => {
                        try {
                            // Set when the caller asked for progressive results.
                            const progress = details.progress ?? undefined;
                            const result = await handler(args ?? [], kwargs ?? {}, progress);
                            return new autobahn.Result(result.args, result.kwargs);
                        } catch (error) {
                            throw error instanceof WampFailure
                                ? new autobahn.Error(error.uri, error.args, error.kwargs)
                                : error;
                        }
                    }),
                close: () => {
                    connection.onclose = () => true;
                    connection.close();
                },
            });
        };
        connection.open();
    });
}

/** wampy.js: json, msgpack (msgpackr) or cbor (cbor-x), over WebSocket with `ws`. */
async function wampySession(url, realm, serializer) {
    const { Wampy } = require('wampy');
    const serializers = {
        msgpack: require('wampy/MsgpackSerializer.js').MsgpackSerializer,
        cbor: require('wampy/CborSerializer.js').CborSerializer,
    };
    const wampy = new Wampy(url, {
        realm,
        ws: require('ws'),
        autoReconnect: false,
        ...(serializers[serializer] ? { serializer: new serializers[serializer]() } : {}),
    });
    await wampy.connect();
    const fail = (error) => (error.errorUri ? new WampFailure(error.errorUri, error.argsList, error.argsDict) : error);
    const payload = (result) => ({ args: result.argsList ?? [], kwargs: result.argsDict ?? {} });
    return {
        call: (procedure, argsList, argsDict, onProgress) =>
            wampy
                .call(
                    procedure,
                    { argsList, argsDict },
                    onProgress ? { progress_callback: (result) => onProgress(payload(result)) } : undefined,
                )
                .then(payload, (error) => Promise.reject(fail(error))),
        publish: (topic, argsList, argsDict) =>
            wampy.publish(topic, { argsList, argsDict }).catch((error) => Promise.reject(fail(error))),
        register: (procedure, handler) =>
            wampy.register(procedure, async ({ argsList, argsDict, details, result_handler }) => {
                // A YIELD with `progress` is a progressive result; wampy.js sends what it is given.
                const progress = details.receive_progress
                    ? (itemArgs, itemKwargs) =>
                          result_handler({ argsList: itemArgs, argsDict: itemKwargs, options: { progress: true } })
                    : undefined;
                try {
                    const result = await handler(argsList ?? [], argsDict ?? {}, progress);
                    return { argsList: result.args, argsDict: result.kwargs };
                } catch (error) {
                    throw error instanceof WampFailure
                        ? { error: error.uri, argsList: error.args, argsDict: error.kwargs }
                        : error;
                }
            }),
        close: () => wampy.disconnect(),
    };
}

/** Joins `realm` at `url` with `library` (autobahn or wampy) and `serializer`. */
async function join(library, serializer, url, realm) {
    const sessions = { autobahn: autobahnSession, wampy: wampySession };
    if (!sessions[library]) {
        throw new Error(`unknown library ${library}: expected autobahn or wampy`);
    }
    return new Peer(serializer, await sessions[library](url, realm, serializer));
}

module.exports = { WampFailure, join, fromTestJson, stringify };
