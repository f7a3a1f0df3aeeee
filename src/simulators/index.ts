// The channel simulators: one Fastify app playing the gateway side of WeChat Pay (/wechatpay), Alipay (/alipay)
// and UnionPay (/unionpay), plus the control API (/_sim/…) that completes payments and shows the simulator's view.
// Tests use createSimulator(…).app with inject; the demo and browser tests use startSimulator on SIM_PORT.

import Fastify, { type FastifyInstance } from 'fastify';
import { alipaySimulator } from './alipay.ts';
import { registerControlRoutes } from './control.ts';
import type { SimulatorContext, SimulatorOptions } from './kit.ts';
import { SimulatorProblem } from './kit.ts';
import { fetchDeliver, NotificationOutbox } from './outbox.ts';
import { unionpaySimulator } from './unionpay.ts';
import { wechatpaySimulator } from './wechatpay.ts';

export type { SimulatorKeys, SimulatorMerchant } from './keys.ts';
export { generateChannelKeys } from './keys.ts';
export type { Deliver, PayInstruction, SimulatedOrderView, SimulatorOptions } from './kit.ts';

export interface Simulator {
  app: FastifyInstance;
  /** Resolves when no notification is on its way right now (retries still waiting do not count). */
  settled(): Promise<void>;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 200 } });
  let listeningUrl: string | undefined;
  const now = options.now ?? (() => new Date());
  const outbox = new NotificationOutbox(options.deliver ?? fetchDeliver, options.timeScale ?? 1, now);
  const context: SimulatorContext = {
    keys: options.keys,
    merchants: options.merchants,
    publicUrl: () => (options.publicUrl ?? listeningUrl ?? 'http://127.0.0.1:3001').replace(/\/+$/, ''),
    feeRate: options.feeRate ?? '0.006',
    now,
    outbox,
    deliver: options.deliver ?? fetchDeliver,
  };

  // Gateways verify signatures over the exact bytes received: every body reaches the handlers as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  const wechatpay = wechatpaySimulator(context);
  const alipay = alipaySimulator(context);
  const unionpay = unionpaySimulator(context);
  void app.register(wechatpay.register);
  void app.register(alipay.register);
  void app.register(unionpay.register);
  registerControlRoutes(app, [wechatpay.channel, alipay.channel, unionpay.channel]);

  app.post('/_sim/wechatpay/probe', async (request, reply) => {
    let url: unknown;
    try {
      url = JSON.parse(typeof request.body === 'string' ? request.body : '{}').url;
    } catch {
      url = undefined;
    }
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      return reply.code(400).send({ code: 'malformed', message: '请在请求体中给出 {"url": "http(s)://…"}' });
    }
    return wechatpay.probe(url);
  });
  app.get('/_sim', async () => ({ simulators: ['wechatpay', 'alipay', 'unionpay'], publicUrl: context.publicUrl() }));

  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (address && typeof address === 'object') listeningUrl = `http://127.0.0.1:${address.port}`;
  });
  app.addHook('onClose', async () => outbox.stop());
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof SimulatorProblem)
      return reply.code(error.status).send({ code: error.code, message: error.message });
    return reply.code(500).send({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
  });

  return { app, settled: () => outbox.settled() };
}

export async function startSimulator(
  options: SimulatorOptions & { port?: number; host?: string },
): Promise<{ url: string; app: FastifyInstance; settled(): Promise<void>; close(): Promise<void> }> {
  const simulator = createSimulator(options);
  const host = options.host ?? '127.0.0.1';
  await simulator.app.listen({ port: options.port ?? 0, host });
  const address = simulator.app.server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  return { url, app: simulator.app, settled: simulator.settled, close: () => simulator.app.close() };
}
