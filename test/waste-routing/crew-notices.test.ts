import { describe, expect, it } from 'vitest';
import { renderNotification } from '../../cloud/src/modules/notifications/notification.messages.js';

describe('crew notices, as the inbox renders them', () => {
  it('the morning route, or that there is no round today, in zh-CN and English', () => {
    const day = { date: '2025-03-03', binStops: 12, trucks: 1, km: 17.4 };
    expect(renderNotification('waste_route_ready', day, 'zh-CN')).toEqual({
      title: '今日收运路线（2025-03-03）',
      body: '共 12 个站点、1 辆车、约 17.4 公里，请在路线页查看',
    });
    expect(renderNotification('waste_route_ready', day, 'en').body).toBe(
      '12 stop(s), 1 truck(s), about 17.4 km: open the route',
    );
    const none = { ...day, binStops: 0, trucks: 0, km: 0 };
    expect(renderNotification('waste_route_ready', none, 'zh-CN').body).toBe(
      '今日没有需要收运的垃圾桶，无需出车',
    );
    expect(renderNotification('waste_route_ready', none, 'en').body).toBe(
      'No bin needs collecting today: no round',
    );
  });

  it('a re-plan someone asked for names them', () => {
    const replan = { date: '2025-03-03', binStops: 7, by: 'wang.li' };
    expect(renderNotification('waste_route_replanned', replan, 'zh-CN')).toEqual({
      title: '收运路线已重新规划（2025-03-03）',
      body: 'wang.li 重新规划了今日路线，现有 7 个站点，请刷新路线查看',
    });
    expect(renderNotification('waste_route_replanned', replan, 'en').body).toBe(
      "wang.li re-planned today's route: 7 stop(s) now; reload it",
    );
  });

  it('a route changed by an intraday check', () => {
    const update = { date: '2025-03-03', addedStops: 3, urgentBins: 2 };
    expect(renderNotification('waste_route_updated', update, 'zh-CN')).toEqual({
      title: '收运路线已更新（2025-03-03）',
      body: '有 2 个垃圾桶将满，今日路线新增 3 个站点，请刷新路线查看',
    });
    expect(renderNotification('waste_route_updated', update, 'en').title).toBe(
      'Pickup route updated (2025-03-03)',
    );
  });
});
