import type { Language } from '../../i18n/language.js';
import { workOrderStateZh } from '../../i18n/work-order-states.js';
import type { NotificationKind } from './notifier.port.js';

type P = Record<string, string | number | null>;
type Text = { title: string; body: string };

/** Notifications are stored as kind + params and rendered when read, in the reader's language. */
const RENDER: Record<NotificationKind, Record<Language, (p: P) => Text>> = {
  work_order_dispatched: {
    'zh-CN': (p) => ({
      title: `新工单：${p.title}`,
      body: `请尽快响应工单“${p.title}”（地点：${p.location}）`,
    }),
    en: (p) => ({
      title: `New work order: ${p.title}`,
      body: `Please respond to "${p.title}" at ${p.location}`,
    }),
  },
  work_order_status: {
    'zh-CN': (p) => ({
      title: `工单进度：${p.title}`,
      body: `您的工单“${p.title}”状态变为${workOrderStateZh(p.status)}${p.note ? `：${p.note}` : ''}`,
    }),
    en: (p) => ({
      title: `Work order update: ${p.title}`,
      body: `Your work order "${p.title}" is now ${p.status}${p.note ? `: ${p.note}` : ''}`,
    }),
  },
  work_order_escalated: {
    'zh-CN': (p) => ({
      title: `工单超时升级：${p.title}`,
      body: `工单“${p.title}”超过响应时限仍未响应，已升级至${p.level === 1 ? '班组长' : '社区管理人员'}，请立即处置`,
    }),
    en: (p) => ({
      title: `Escalated: ${p.title}`,
      body: `"${p.title}" passed its response deadline unacknowledged and was escalated to the ${
        p.level === 1 ? 'team lead' : 'manager'
      }`,
    }),
  },
  work_order_rated: {
    'zh-CN': (p) => ({
      title: `工单已评价：${p.title}`,
      body: `居民评价 ${p.rating} 星${p.comment ? `：${p.comment}` : ''}`,
    }),
    en: (p) => ({
      title: `Rated: ${p.title}`,
      body: `The reporter rated it ${p.rating}/5${p.comment ? `: ${p.comment}` : ''}`,
    }),
  },
  waste_route_ready: {
    'zh-CN': (p) => ({
      title: `今日收运路线（${p.date}）`,
      body:
        Number(p.binStops) > 0
          ? `共 ${p.binStops} 个站点、${p.trucks} 辆车、约 ${p.km} 公里，请在路线页查看`
          : '今日没有需要收运的垃圾桶，无需出车',
    }),
    en: (p) => ({
      title: `Today's pickup route (${p.date})`,
      body:
        Number(p.binStops) > 0
          ? `${p.binStops} stop(s), ${p.trucks} truck(s), about ${p.km} km: open the route`
          : 'No bin needs collecting today: no round',
    }),
  },
  waste_route_replanned: {
    'zh-CN': (p) => ({
      title: `收运路线已重新规划（${p.date}）`,
      body: `${p.by} 重新规划了今日路线，现有 ${p.binStops} 个站点，请刷新路线查看`,
    }),
    en: (p) => ({
      title: `Pickup route re-planned (${p.date})`,
      body: `${p.by} re-planned today's route: ${p.binStops} stop(s) now; reload it`,
    }),
  },
  waste_route_updated: {
    'zh-CN': (p) => ({
      title: `收运路线已更新（${p.date}）`,
      body: `有 ${p.urgentBins} 个垃圾桶将满，今日路线新增 ${p.addedStops} 个站点，请刷新路线查看`,
    }),
    en: (p) => ({
      title: `Pickup route updated (${p.date})`,
      body: `${p.urgentBins} bin(s) about to overflow: today's route has ${p.addedStops} new stop(s); reload it`,
    }),
  },
};

export function renderNotification(kind: string, params: P, lang: Language): Text {
  const render = RENDER[kind as NotificationKind];
  return render ? render[lang](params) : { title: kind, body: '' };
}
