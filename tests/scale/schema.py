#!/usr/bin/env python3
"""Writes a WAMP IDL schema of one hostile shape and size to stdout, for tests/scale/measure.

    tests/scale/schema.py procedures|fields|values COUNT

- procedures: one interface of COUNT procedures, each with a request of one argument;
- fields: a table of COUNT fields, the request of a procedure (so that it is a payload);
- values: an enum of COUNT values, the type of a request's argument.

The shapes are those of the codegen unit test `huge_interfaces_tables_and_enums_generate`,
one at a time and at any size, so that time and memory can be measured per shape.
"""

import sys

HEADER = """attribute arg; attribute kwarg; attribute type; attribute wampuri;
namespace scale;
table Void {}
"""


def procedures(count, out):
    out.write("table Request { a: int (arg); }\n")
    out.write('rpc_service IScale (type: "interface", wampuri: "com.scale") {\n')
    for index in range(count):
        out.write(f'  call{index} (Request): Void (type: "procedure");\n')
    out.write("}\n")


def fields(count, out):
    out.write("table Wide {\n")
    for index in range(count):
        out.write(f"  field{index}: int;\n")
    out.write("}\n")
    out.write('rpc_service IScale (type: "interface", wampuri: "com.scale") {\n')
    out.write('  wide (Wide): Void (type: "procedure");\n')
    out.write("}\n")


def values(count, out):
    out.write("enum Many: int {\n")
    for index in range(count):
        out.write(f"  Value{index},\n")
    out.write("}\n")
    out.write("table Request { many: Many (arg); }\n")
    out.write('rpc_service IScale (type: "interface", wampuri: "com.scale") {\n')
    out.write('  pick (Request): Void (type: "procedure");\n')
    out.write("}\n")


SHAPES = {"procedures": procedures, "fields": fields, "values": values}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES or not sys.argv[2].isdigit():
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(SHAPES)} COUNT")
    sys.stdout.write(HEADER)
    SHAPES[sys.argv[1]](int(sys.argv[2]), sys.stdout)


if __name__ == "__main__":
    main()
