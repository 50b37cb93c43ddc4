// A JS callee of the shop of tests/data/e2e/stubs.fbs, written as a JS developer would, on
// plain args and kwargs, for a Rust caller generated from that schema.
//
// Usage: node callee.cjs LIBRARY SERIALIZER URL REALM NODE
//
// Registers `com.example.e2e.NODE.shop.{place,search,ship,reserve,pick,close}`, prints READY, and
// leaves when its stdin ends. `reserve` and `pick` keep the shelves of the Rust shop (`on_shelf`
// in runtime/tests/it/shop.rs): a line they cannot fill fails with the declared error URI, its
// table as args and kwargs, a product not sold with an undeclared one.

'use strict';

const { WampFailure, join } = require('./peer.cjs');

const ON_SHELF = { tea: 5, scone: 12 };

/** A line's positional args `[sku, quantity]`, once the shelf is found to hold it. */
function fill(sku, quantity = 1) {
    if (!(sku in ON_SHELF)) {
        throw new WampFailure('com.example.e2e.error.no_such_product', [`no product ${sku}`]);
    }
    if (quantity > ON_SHELF[sku]) {
        throw new WampFailure('com.example.e2e.error.out_of_stock', [sku], { available: ON_SHELF[sku] });
    }
    return [sku, quantity];
}

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
        reserve: ([sku, quantity]) => ({ args: fill(sku, quantity), kwargs: {} }),
        // Each line picked is a progressive result; the final result is empty.
        pick: ([, , lines], _kwargs, progress) => {
            if (!progress) {
                throw new WampFailure('wamp.error.invalid_argument', ['pick streams its results: ask for progress']);
            }
            for (const { sku, quantity } of lines) {
                progress(fill(sku, quantity), {});
            }
            return { args: [], kwargs: {} };
        },
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
