/**
 * Work-order states named for zh-CN readers (a refusal's "当前状态：已派单", a notification's
 * "状态变为已完成"), in one place so messages and notifications cannot name a state differently.
 */
const STATE_ZH: Record<string, string> = {
  reported: '已上报',
  dispatched: '已派单',
  in_progress: '处理中',
  completed: '已完成',
  rated: '已评价',
  rejected: '已驳回',
  cancelled: '已撤销',
};

/** The zh-CN name of a work-order state; an unknown state reads as itself. */
export const workOrderStateZh = (state: unknown): string => STATE_ZH[String(state)] ?? String(state);
