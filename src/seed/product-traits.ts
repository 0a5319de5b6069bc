// What the demo catalogue's products are made of and sold under, in both languages; the Russian
// material phrases are genitive forms, for the search's morphology.

export const BRANDS = [
  'Aurora',
  'Nordic',
  'Lumière',
  'Sokol',
  'Baikal',
  'Vesna',
  'Polar',
  'Taiga',
  'Meridian',
  'Orion',
  'Volga',
  'Altai',
];
export const COLORS_RU = ['чёрный', 'белый', 'красный', 'синий', 'зелёный', 'серый', 'бежевый', 'розовый'];
export const COLORS_EN = ['black', 'white', 'red', 'blue', 'green', 'grey', 'beige', 'pink'];
export const MATERIALS_RU = ['хлопок', 'лён', 'шерсть', 'кожа', 'сталь', 'пластик', 'дерево', 'стекло'];
export const MATERIALS_EN = ['cotton', 'linen', 'wool', 'leather', 'steel', 'plastic', 'wood', 'glass'];
export const MATERIAL_PHRASES_RU = [
  'Сделано из хлопка.',
  'Сделано изо льна.',
  'Сделано из шерсти.',
  'Сделано из кожи.',
  'Корпус из стали.',
  'Корпус из пластика.',
  'Сделано из дерева.',
  'Сделано из стекла.',
];
