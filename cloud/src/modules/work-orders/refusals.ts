import { refuse } from '../../i18n/localized-error.js';
import { type Action, NEXT, type Status } from './work-orders.model.js';

export const orderNotFound = (id: string) => refuse(404, 'work_order_not_found', { id });

/** 409 naming the current state and the states the order may move to next. */
export const illegalTransition = (id: string, current: Status, action: Action | 'confirm') =>
  refuse(
    409,
    'illegal_transition',
    { id, current, action, allowed: NEXT[current] },
    { current, action, allowed: [...NEXT[current]] },
  );
