import type { OrderStatus } from '../orders/index.js';
import type { OrderEvent } from './notifications.ports.js';
import { formatMoney } from '../../platform/money.js';

const RU: Record<OrderStatus, string> = {
  pending_payment: 'оформлен и ждёт оплаты',
  paid: 'оплачен',
  shipped: 'передан в доставку',
  delivered: 'доставлен',
  cancelled: 'отменён',
};

const EN: Record<OrderStatus, string> = {
  pending_payment: 'is placed and awaits payment',
  paid: 'is paid',
  shipped: 'has shipped',
  delivered: 'is delivered',
  cancelled: 'is cancelled',
};

const CANCELLED_BY = {
  customer: { ru: 'по вашей просьбе', en: 'at your request' },
  admin: { ru: 'магазином', en: 'by the shop' },
  expiry: { ru: 'так как не был оплачен вовремя', en: 'as it was not paid in time' },
} as const;

/** What the customer reads, in Russian and English: the order's short number, its status, its sum. */
export function notificationText(event: OrderEvent): { ru: string; en: string } {
  const number = event.order_id.slice(0, 8);
  const why = event.status === 'cancelled' ? CANCELLED_BY[event.cause] : undefined;
  const ru = formatMoney(event.total, event.currency, 'ru-RU');
  const en = formatMoney(event.total, event.currency, 'en-GB');
  return {
    ru: `Заказ ${number} на ${ru} ${RU[event.status]}${why ? ` ${why.ru}` : ''}.`,
    en: `Order ${number} for ${en} ${EN[event.status]}${why ? ` ${why.en}` : ''}.`,
  };
}
