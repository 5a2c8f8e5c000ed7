#!/usr/bin/env node
// An echo bot for Parley, written against the control API with Node's stock gRPC library: it
// watches its node's events and answers every message it receives with the same text. It
// loads the .proto at run time, so nothing is generated. See docs/API.md.
//
//   node echo-bot.js --home DIR     (or PARLEY_HOME=DIR node echo-bot.js)
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'proto', 'src', 'main', 'proto', 'parley', 'control', 'v1',
    'control.proto');
const RETRY_MS = 1000;

function homeFromArguments() {
  const at = process.argv.indexOf('--home');
  const home = at >= 0 ? process.argv[at + 1] : process.env.PARLEY_HOME;
  if (!home) {
    console.error('usage: echo-bot.js --home DIR (the profile home of a running `parley daemon`)');
    process.exit(2);
  }
  return path.resolve(home);
}

// The daemon publishes its transport in control.json and a fresh token in control.token, both
// readable by the owner only; on the usual transport it serves the home's control.sock.
function connect(home) {
  const endpoint = JSON.parse(fs.readFileSync(path.join(home, 'control.json'), 'utf8'));
  const token = fs.readFileSync(path.join(home, 'control.token'), 'ascii').trim();
  const target = endpoint.transport === 'unix'
    ? 'unix:' + path.join(home, 'control.sock')
    : '127.0.0.1:' + endpoint.port;
  const definition = protoLoader.loadSync(PROTO, {keepCase: true, longs: String, enums: String, defaults: true});
  const Control = grpc.loadPackageDefinition(definition).parley.control.v1.Control;
  const metadata = new grpc.Metadata();
  metadata.set('parley-control-token', token);
  return {client: new Control(target, grpc.credentials.createInsecure()), metadata};
}

function run() {
  const home = homeFromArguments();
  let cursor; // the last event seen: a new watch resumes from it

  // Each watch reads control.json and control.token anew: a restarted daemon has a fresh token.
  const watch = () => {
    let connection;
    try {
      connection = connect(home);
    } catch (error) {
      console.error('no daemon answers for ' + home + ' (' + error.message + '); trying again');
      setTimeout(watch, RETRY_MS);
      return;
    }
    const {client, metadata} = connection;
    const call = client.Watch(cursor ? {after: cursor} : {}, metadata);
    call.on('data', (event) => {
      cursor = event.cursor;
      if (event.type === 'watching') {
        console.log('watching ' + home);
      } else if (event.type === 'message' && event.message.direction === 'in') {
        answer(client, metadata, event.message);
      }
    });
    call.on('error', (error) => {
      if (error.code === grpc.status.OUT_OF_RANGE) {
        cursor = undefined; // the daemon restarted: what came meanwhile is in History, not replayed
      }
      console.error('watch ended (' + grpc.status[error.code] + ': ' + error.details + '); watching again');
      client.close();
      setTimeout(watch, RETRY_MS);
    });
  };
  watch();
}

function answer(client, metadata, message) {
  const reply = {peer_id: message.peer_id, text: 'echo: ' + message.text};
  client.SendMessage(reply, metadata, (error) => {
    if (error) {
      console.error('could not answer ' + message.peer_id + ': ' + grpc.status[error.code] + ': ' + error.details);
    } else {
      console.log('answered ' + message.peer_id);
    }
  });
}

run();
