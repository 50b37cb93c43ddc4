// A JS callee of the shop of tests/data/e2e/stubs.fbs, written as a JS developer would, on
// plain args and kwargs, for a Rust caller generated from that schema.
//
// Usage: node callee.cjs LIBRARY SERIALIZER URL REALM NODE
//
// Registers `com.example.e2e.NODE.shop.{place,search,ship,close}`, prints READY, and leaves
// when its stdin ends.

'use strict';

const { WampFailure, join } = require('./peer.cjs');

async function main() {
    const [library, serializer, url, realm, node] = process.argv.slice(2);
    const peer = await join(library, serializer, url, realm);
    const prefix = `com.example.e2e.${node}.shop`;
    const procedures = {
        // Receipt: a reference, and the order as it arrived.
        place: ([customer, priority, lines, note, total]) => ({
            args: [`${node}/${customer}/${total}`, { customer, priority, lines, note, total }],
            kwargs: {},
        }),
        // Matches: one positional list, saying which kwargs arrived and how.
        search: ([text], kwargs) => ({
            args: [[`${node}:${text}`, ...Object.keys(kwargs).sort().map((key) => `${key}=${JSON.stringify(kwargs[key])}`)]],
            kwargs: {},
        }),
        // The shipment as it arrived.
        ship: (args) => ({ args, kwargs: {} }),
        close: () => {
            throw new WampFailure('com.example.e2e.error.closed', [`shop ${node} is closed`]);
        },
    };
    for (const [name, handler] of Object.entries(procedures)) {
        await peer.register(`${prefix}.${name}`, handler);
    }
    console.log('READY');
    process.stdin.resume();
    process.stdin.on('end', async () => {
        await peer.close();
        process.exit(0);
    });
}

main().catch((error) => {
    console.error(`callee.cjs: ${error.stack ?? error}`);
    process.exit(1);
});
