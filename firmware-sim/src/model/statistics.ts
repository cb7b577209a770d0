/**
 * Published figures the community model is calibrated against, in one place so the calibration
 * test (test/sim/statistics.test.ts) and the model read the same numbers. Each says where it
 * comes from; a figure marked ASSUMPTION is our own choice, made consistent with the sources.
 */

/**
 * Residential ("居住生活用水", in-home) water use, litres per person per day.
 * - National urban water survey of 535 cities, 1994 (全国城市用水统计年报, quoted in 用水管理理论与实践):
 *   residential use 141.8 L/person/day in southern cities, 94.5 in northern ones.
 * - GB/T 50331-2002 城市居民生活用水量标准 (urban residential water-use standard, MOHURD): zone 3
 *   (Shanghai, Jiangsu, Zhejiang, ...) 120-180 L/person/day.
 * The simulated community is in the Yangtze delta (zone 3, southern), so we calibrate to the
 * southern survey mean and check it against the zone-3 band.
 */
export const WATER_LITRES_PER_PERSON_DAY = { southernMean: 141.8, zone3Band: [120, 180] as const };

/**
 * Residential electricity, kWh per person per day: National Energy Administration, 2023 annual
 * figures (Xinhua, 2024-01-18): urban and rural residential use 1.35 trillion kWh; NBS end-2023
 * population 1.41 billion -> 1.35e12 / 1.41e9 / 365 = 2.62 kWh/person/day.
 * A one-person household shares no fridge or standby load, so per person it tends to use more than
 * the per-capita mean; elderly people cook small meals and use air conditioning sparingly.
 * ASSUMPTION: our single-elder household averages within +-25% of the national per-capita figure.
 */
export const ELECTRICITY_KWH_PER_PERSON_DAY = { mean: 1.35e12 / 1.41e9 / 365, tolerance: 0.25 };

/**
 * Wake time of older adults living alone, minutes after local midnight.
 * - CLHLS 2005 (Gu et al., Sleep 33(5):601-610, 2010): Chinese aged 65+ report 7.5 h sleep (SD 1.9).
 * - China Time Use Survey 2018 (NBS, 48,580 respondents aged 15+): 9 h 19 min in sleep and rest
 *   on average across ages; respondents kept diaries for a workday and a non-workday.
 * ASSUMPTION: with a typical 21:30-22:30 bedtime of retired elders, 7.5 h of sleep and ~30 min awake
 * in bed puts waking near 06:00: we use a mean of 06:10 with 25 min between people and 28 min day to
 * day (total SD ~38 min), 15 min later at weekends, 15 min earlier at midsummer and later at
 * midwinter (sunrise). The calibration test checks mean 06:10 +- 15 min and SD 25-55 min.
 */
export const WAKE_TIME = {
  meanMin: 6 * 60 + 10,
  betweenPeopleSdMin: 25,
  dayToDaySdMin: 28,
  weekendShiftMin: 15,
  seasonalShiftMin: 15,
};

/**
 * Night-time voiding (nocturia): Bosch & Weiss, "The prevalence and causes of nocturia",
 * J Urol 2010 (systematic review): >=2 voids a night in 29-59% of people aged 70+.
 * ASSUMPTION: per-person Poisson rate drawn from 0.4-2.0 visits a night (mean ~1.2), giving ~35%
 * of nights with 2 or more visits.
 */
export const NOCTURIA_RATE_RANGE = [0.4, 2.0] as const;

/**
 * Outdoor temperature normals, °C by month: Shanghai (Xujiahui), China Meteorological
 * Administration 1991-2020 climate normals, rounded. Diurnal amplitude ~ +-3.5 °C (ASSUMPTION).
 */
export const MONTHLY_MEAN_TEMP_C = [4.8, 6.6, 10.0, 15.5, 20.8, 24.5, 28.7, 28.5, 24.6, 19.7, 13.8, 7.4];

/**
 * Outdoor PM2.5: Shanghai annual mean 28 µg/m³ in 2023 (Shanghai Ecology and Environment Bulletin);
 * winter roughly double summer (ASSUMPTION from the usual seasonal cycle).
 * Noise: GB 3096-2008 class 1 (residential) limits 55 dB(A) day, 45 dB(A) night; a quiet community
 * sits a few dB below them. CO2: global mean ~420 ppm in 2023 (NOAA), plus traffic near roads.
 */
export const AIR = { pm25AnnualMean: 28, noiseDayDb: 52, noiseNightDb: 42, co2BackgroundPpm: 420 };

/**
 * Household waste and the containers that hold it (the bin model, firmware-sim/src/model/bin.ts).
 * - Generation at source: 0.73 kg/person/day, the mean of Chinese door-to-door (bag) surveys
 *   2000-2017 (review "中国城乡生活垃圾物理特性", 2019). It leaves out street sweeping, shops and
 *   offices, which is why the waste *collected* per urban resident is higher: ~1.0-1.2 kg/person/day
 *   (MOHURD Urban-Rural Construction Statistical Yearbook: ~2.4e8 t a year collected in cities for
 *   ~5.6e8 urban-district residents, early 2020s). Shops and passers-by enter as site factors.
 * - Loose density in the bin: 145 kg/m3, the one-year mean of sorted household waste in Ningbo's
 *   main districts (Chen et al., 环境科学学报 38(3):1064-1070, 2018), inside the 100-200 kg/m3
 *   usually quoted for uncompacted household waste (mixed waste after transport is denser: ~325).
 * - 2.62 people per household (7th census, 2020).
 * - Containers: 240 L wheelie bins at buildings and entrances, 660 L and 1100 L containers at
 *   the community's collection points (the usual EN 840 sizes, common in Chinese communities).
 * - How many containers a catchment gets: CJJ 27-2012 (环境卫生设施设置标准) appendix A,
 *   Q = A1 A2 R C (kg/day), Vave = Q / (D A3), N = Vave A4 / (E B), with A1 1.1-1.5 (day-to-day
 *   unevenness), A2 1.02-1.05 (resident population variation), A3 0.7-0.9 (density variation),
 *   B 0.75-0.9 (container fill coefficient), A4 the collection interval in days (1: daily), E the
 *   container volume; the peak day is K = 1.5-1.8 times the average volume.
 * Drop-off peaks follow the fixed times Shanghai's 2019 household waste regulation made common
 * (about 07:00-09:00 and 18:00-20:00).
 */
export const WASTE = {
  kgPerPersonDay: 0.73,
  kgPerLitre: 0.145,
  personsPerHousehold: 2.62,
  containerLitres: [240, 660, 1100] as const,
  cjj27: {
    unevenness: [1.1, 1.5],
    populationVariation: [1.02, 1.05],
    densityVariation: [0.7, 0.9],
    fillCoefficient: [0.75, 0.9],
    peakDay: [1.5, 1.8],
  },
} as const;
