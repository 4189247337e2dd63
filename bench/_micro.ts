import { sequentialIds } from '../src/main/engine/ids';
import { OrderManager, OrderTicket } from '../src/main/engine/orders';

const N = 40000;
for (let r = 0; r < 4; r++) {
  const om = new OrderManager(sequentialIds('b'), 1);
  const t = new OrderTicket();
  t.symbol = 'BENCH';
  t.qty = 100;
  t.reason = 'x';
  let s = performance.now();
  const orders = [];
  for (let i = 0; i < N; i++) {
    t.side = i % 2 ? 'sell' : 'buy';
    orders.push(om.create(t));
  }
  const tCreate = performance.now() - s;
  s = performance.now();
  for (const o of orders) om.transition(o, 'accepted');
  const tAcc = performance.now() - s;
  s = performance.now();
  let x = 0;
  for (const o of orders) x += o.toOrder().qty;
  const tTo = performance.now() - s;
  s = performance.now();
  for (const o of orders) om.recordFill(o, 100, 10, 0);
  const tFill = performance.now() - s;
  console.log(
    `create ${((tCreate / N) * 1e6).toFixed(0)}ns accept ${((tAcc / N) * 1e6).toFixed(0)}ns toOrder ${((tTo / N) * 1e6).toFixed(0)}ns fill ${((tFill / N) * 1e6).toFixed(0)}ns`,
  );
}
