// Placeholder until the unionpay simulator lands.
import type { FastifyInstance } from 'fastify';
import type { SimulatedChannel, SimulatorContext } from './kit.ts';
import { SimulatorProblem } from './kit.ts';

export function unionpaySimulator(_context: SimulatorContext) {
  const channel: SimulatedChannel = {
    provider: 'unionpay',
    title: '银联在线支付',
    view: () => undefined,
    pay: () => {
      throw new SimulatorProblem(404, 'not_found', '模拟器中没有这个订单');
    },
  };
  return { channel, register: async (_app: FastifyInstance) => {} };
}
