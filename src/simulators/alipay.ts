// Placeholder until the alipay simulator lands.
import type { FastifyInstance } from 'fastify';
import type { SimulatedChannel, SimulatorContext } from './kit.ts';
import { SimulatorProblem } from './kit.ts';

export function alipaySimulator(_context: SimulatorContext) {
  const channel: SimulatedChannel = {
    provider: 'alipay',
    title: '支付宝',
    view: () => undefined,
    pay: () => {
      throw new SimulatorProblem(404, 'not_found', '模拟器中没有这个订单');
    },
  };
  return { channel, register: async (_app: FastifyInstance) => {} };
}
