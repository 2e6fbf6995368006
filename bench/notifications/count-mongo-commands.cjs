// Preloaded into the benchmarked service (`node -r`): counts the MongoDB commands it sends, by
// command and collection, and writes the running totals as JSON to BENCH_MONGO_COUNTS every 250 ms
// (and at exit), so the benchmark can say how many database round trips each event costs.
// Wraps one driver method (Connection.prototype.command); the cost is a map increment per command.
'use strict';
const { writeFileSync } = require('node:fs');
const { setInterval } = require('node:timers');
const { join } = require('node:path');
const { Connection } = require(
  join(__dirname, '..', '..', 'node_modules', 'mongodb', 'lib', 'cmap', 'connection.js'),
);

const out = process.env.BENCH_MONGO_COUNTS;
const counts = {};
const original = Connection.prototype.command;
Connection.prototype.command = function countedCommand(ns, command, ...rest) {
  const name = Object.keys(command)[0];
  const target = typeof command[name] === 'string' ? command[name] : '';
  const key = target ? `${name} ${target}` : name;
  counts[key] = (counts[key] || 0) + 1;
  return original.call(this, ns, command, ...rest);
};
const dump = () => {
  if (out) writeFileSync(out, JSON.stringify(counts));
};
setInterval(dump, 250).unref();
process.on('exit', dump);
