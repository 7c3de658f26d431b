// The fixed vocabularies of the TPC-H specification (clause 4.2.2.13 and 4.2.3) and its text pool:
// comments are random slices of one long (ASCII) pseudo-text made of sentences from the
// specification's grammar (noun phrase, verb phrase, optional prepositional phrase, terminator),
// as dbgen does; generate.ts takes the slices as bytes.
// Words are drawn uniformly rather than with the specification's weights, and the pool is a few
// MiB rather than 300 MB: the data is TPC-H-like, not dbgen's bytes.
import { Rng } from './rng.js';

/** The 25 nations with their region keys, in key order. @example NATIONS[24] // ['UNITED STATES', 1] */
export const NATIONS: readonly (readonly [string, number])[] = [
  ['ALGERIA', 0],
  ['ARGENTINA', 1],
  ['BRAZIL', 1],
  ['CANADA', 1],
  ['EGYPT', 4],
  ['ETHIOPIA', 0],
  ['FRANCE', 3],
  ['GERMANY', 3],
  ['INDIA', 2],
  ['INDONESIA', 2],
  ['IRAN', 4],
  ['IRAQ', 4],
  ['JAPAN', 2],
  ['JORDAN', 4],
  ['KENYA', 0],
  ['MOROCCO', 0],
  ['MOZAMBIQUE', 0],
  ['PERU', 1],
  ['CHINA', 2],
  ['ROMANIA', 3],
  ['SAUDI ARABIA', 4],
  ['VIETNAM', 2],
  ['RUSSIA', 3],
  ['UNITED KINGDOM', 3],
  ['UNITED STATES', 1],
];

/** The five regions, in key order. @example REGIONS[3] // 'EUROPE' */
export const REGIONS: readonly string[] = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'];

/** The 92 colour words part names are made of. @example COLORS.length // 92 */
export const COLORS: readonly string[] = (
  'almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood ' +
  'burnished chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim ' +
  'dodger drab firebrick floral forest frosted gainsboro ghost goldenrod green grey honeydew hot ' +
  'indian ivory khaki lace lavender lawn lemon light lime linen magenta maroon medium metallic ' +
  'midnight mint misty moccasin navajo navy olive orange orchid pale papaya peach peru pink plum ' +
  'powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky slate smoke snow ' +
  'spring steel tan thistle tomato turquoise violet wheat white yellow'
).split(' ');

/** Part type syllables. @example TYPE_S3 // [..., 'BRASS', ...] */
export const TYPE_S1 = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'] as const;
/** @example TYPE_S2[0] // 'ANODIZED' */
export const TYPE_S2 = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'] as const;
/** @example TYPE_S3[0] // 'TIN' */
export const TYPE_S3 = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'] as const;
/** Container syllables. @example CONTAINER_S1[0] // 'SM' */
export const CONTAINER_S1 = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'] as const;
/** @example CONTAINER_S2[0] // 'CASE' */
export const CONTAINER_S2 = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'] as const;
/** Market segments. @example SEGMENTS[1] // 'BUILDING' */
export const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'] as const;
/** Order priorities. @example PRIORITIES[0] // '1-URGENT' */
export const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'] as const;
/** Ship instructions. @example INSTRUCTIONS[0] // 'DELIVER IN PERSON' */
export const INSTRUCTIONS = [
  'DELIVER IN PERSON',
  'COLLECT COD',
  'NONE',
  'TAKE BACK RETURN',
] as const;
/** Ship modes. @example MODES[0] // 'REG AIR' */
export const MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'] as const;

const NOUNS = (
  'foxes,ideas,theodolites,pinto beans,instructions,dependencies,excuses,platelets,asymptotes,' +
  'courts,dolphins,multipliers,sauternes,warthogs,frets,dinos,attainments,somas,Tiresias,' +
  'patterns,forges,braids,hockey players,frays,warhorses,dugouts,notornis,epitaphs,pearls,tithes,' +
  'waters,orbits,gifts,sheaves,depths,sentiments,decoys,realms,pains,grouches,escapades,packages,' +
  'requests,accounts,deposits'
).split(',');
const VERBS = (
  'sleep,wake,are,cajole,haggle,nag,use,boost,affix,detect,integrate,maintain,nod,was,lose,' +
  'sublate,solve,thrash,promise,engage,hinder,print,x-ray,breach,eat,grow,impress,mold,poach,' +
  'serve,run,dazzle,snooze,doze,unwind,kindle,play,hang,believe,doubt'
).split(',');
const ADJECTIVES = (
  'furious,sly,careful,blithe,quick,fluffy,slow,quiet,ruthless,thin,close,dogged,daring,brave,' +
  'stealthy,permanent,enticing,idle,busy,regular,final,ironic,even,bold,silent,special,pending,' +
  'unusual,express'
).split(',');
const ADVERBS = (
  'sometimes,always,never,furiously,slyly,carefully,blithely,quickly,fluffily,slowly,quietly,' +
  'ruthlessly,thinly,closely,doggedly,daringly,bravely,stealthily,permanently,enticingly,idly,' +
  'busily,regularly,finally,ironically,evenly,boldly,silently'
).split(',');
const PREPOSITIONS = (
  'about,above,according to,across,after,against,along,alongside of,among,around,at,atop,' +
  'before,behind,beneath,beside,besides,between,beyond,by,despite,during,except,for,from,' +
  'in place of,inside,instead of,into,near,of,on,outside,over,past,since,through,throughout,to,' +
  'toward,under,until,up,upon,without,with,within'
).split(',');
const AUXILIARIES = (
  'do,may,might,shall,will,would,can,could,should,ought to,must,will have to,shall have to,' +
  'could have to,should have to,must have to,need to,try to'
).split(',');
const TERMINATORS = ['.', ';', ':', '?', '!', '--'];

function sentence(r: Rng): string {
  const words: string[] = [];
  if (r.next() < 0.5) words.push(r.pick(ADJECTIVES));
  if (r.next() < 0.3) words.push(r.pick(ADJECTIVES));
  words.push(r.pick(NOUNS));
  if (r.next() < 0.3) words.push(r.pick(AUXILIARIES));
  words.push(r.pick(VERBS));
  if (r.next() < 0.5) words.push(r.pick(ADVERBS));
  if (r.next() < 0.5) words.push(r.pick(PREPOSITIONS), 'the', r.pick(ADJECTIVES), r.pick(NOUNS));
  return `${words.join(' ')}${r.pick(TERMINATORS)} `;
}

/**
 * A pseudo-text of at least `chars` characters made of grammar sentences, from a fixed seed.
 *
 * @example
 * const pool = textPool(1 << 20);
 */
export function textPool(chars: number): string {
  const r = new Rng('text-pool');
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const s = sentence(r);
    parts.push(s);
    n += s.length;
  }
  return parts.join('');
}
