// The control API a real gateway does not have (fixed: outside tests and the demo use it):
//   POST /_sim/{channel}/orders/{out_trade_no}/pay   { notify?, duplicates?, amountFen?, paidAt? } → the order's view
//   GET  /_sim/{channel}/orders/{out_trade_no}        → the order's view
//   GET  /_sim/{channel}/orders/{out_trade_no}/cashier → the HTML cashier page

import type { FastifyInstance, FastifyReply } from 'fastify';
import { cashierPage, problemPage } from './cashier-page.ts';
import { type PayInstruction, type SimulatedChannel, SimulatorProblem } from './kit.ts';

function readInstruction(body: unknown): PayInstruction {
  if (typeof body !== 'string' || body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SimulatorProblem(400, 'malformed', '请求体不是 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const input = parsed as Record<string, unknown>;
  const instruction: PayInstruction = {};
  if (input.notify === false) instruction.notify = false;
  if (input.duplicates !== undefined) {
    if (!Number.isInteger(input.duplicates) || (input.duplicates as number) < 0 || (input.duplicates as number) > 20) {
      throw new SimulatorProblem(400, 'malformed', 'duplicates 须为 0 到 20 的整数');
    }
    instruction.duplicates = input.duplicates as number;
  }
  if (input.amountFen !== undefined) {
    if (!Number.isSafeInteger(input.amountFen) || (input.amountFen as number) <= 0) {
      throw new SimulatorProblem(400, 'malformed', 'amountFen 须为正整数（分）');
    }
    instruction.amountFen = input.amountFen as number;
  }
  if (input.paidAt !== undefined) {
    if (typeof input.paidAt !== 'string' || Number.isNaN(new Date(input.paidAt).getTime())) {
      throw new SimulatorProblem(400, 'malformed', 'paidAt 须为 ISO 时间');
    }
    instruction.paidAt = input.paidAt;
  }
  return instruction;
}

function sendProblem(reply: FastifyReply, error: unknown) {
  if (error instanceof SimulatorProblem) {
    return reply.code(error.status).send({ code: error.code, message: error.message });
  }
  throw error;
}

export function registerControlRoutes(app: FastifyInstance, channels: SimulatedChannel[]) {
  for (const channel of channels) {
    const base = `/_sim/${channel.provider}/orders/:outTradeNo`;
    type Params = { Params: { outTradeNo: string } };

    app.get<Params>(base, async (request, reply) => {
      const view = channel.view(request.params.outTradeNo);
      if (!view) return reply.code(404).send({ code: 'not_found', message: '模拟器中没有这个订单' });
      return view;
    });

    app.post<Params>(`${base}/pay`, async (request, reply) => {
      try {
        return channel.pay(request.params.outTradeNo, readInstruction(request.body));
      } catch (error) {
        return sendProblem(reply, error);
      }
    });

    app.get<Params>(`${base}/cashier`, async (request, reply) => {
      channel.opened?.(request.params.outTradeNo);
      const view = channel.view(request.params.outTradeNo);
      reply.type('text/html; charset=utf-8');
      if (!view)
        return reply.code(404).send(problemPage('订单不存在', '收银台找不到这个订单，请回到缴费页面重新下单。'));
      return cashierPage(channel, view);
    });
  }
}
