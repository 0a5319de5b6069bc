// The demo catalogue's 24 categories: Russian and English nouns and description phrases written to
// exercise morphology (genitive materials, plural and instrumental forms, -ing words).
export interface CategoryWords {
  category: string;
  ru: { nouns: string[]; phrases: string[] };
  en: { nouns: string[]; phrases: string[] };
  price: [number, number];
}

export const CATEGORIES: CategoryWords[] = [
  {
    category: 'Платья',
    price: [1990, 14990],
    ru: {
      nouns: ['Платье', 'Сарафан'],
      phrases: ['Лёгкое платье из хлопка на каждый день.', 'С этим платьем легко собрать образ.'],
    },
    en: {
      nouns: ['Dress', 'Sundress'],
      phrases: ['A light cotton dress for every day.', 'Flowing silhouette for summer evenings.'],
    },
  },
  {
    category: 'Футболки',
    price: [590, 2990],
    ru: {
      nouns: ['Футболка', 'Майка'],
      phrases: ['Футболки из мягкого хлопка не теряют форму.', 'Плотный трикотаж из хлопка.'],
    },
    en: {
      nouns: ['T-shirt', 'Tank top'],
      phrases: ['Soft cotton that keeps its shape.', 'Breathable fabric for running and training.'],
    },
  },
  {
    category: 'Джинсы',
    price: [2490, 9990],
    ru: {
      nouns: ['Джинсы', 'Брюки'],
      phrases: ['Джинсы прямого кроя из плотного денима.', 'Удобная посадка на каждый день.'],
    },
    en: {
      nouns: ['Jeans', 'Trousers'],
      phrases: ['Straight-cut denim jeans.', 'Comfortable fit for walking all day.'],
    },
  },
  {
    category: 'Куртки',
    price: [4990, 29990],
    ru: {
      nouns: ['Куртка', 'Пуховик', 'Ветровка'],
      phrases: ['Тёплая куртка для холодной зимы.', 'Ветровка защищает от дождя и ветра.'],
    },
    en: {
      nouns: ['Jacket', 'Parka', 'Windbreaker'],
      phrases: ['A warm jacket for cold winters.', 'Keeps rain and wind out while hiking.'],
    },
  },
  {
    category: 'Обувь',
    price: [2990, 19990],
    ru: {
      nouns: ['Туфли', 'Кроссовки', 'Ботинки', 'Сапоги'],
      phrases: ['С этими туфлями удобно весь день.', 'Кроссовки для бега по асфальту и парку.'],
    },
    en: {
      nouns: ['Shoes', 'Sneakers', 'Boots', 'Running shoes'],
      phrases: ['Cushioned shoes for running on roads.', 'Leather boots that last for years.'],
    },
  },
  {
    category: 'Сумки',
    price: [1990, 24990],
    ru: {
      nouns: ['Сумка', 'Рюкзак', 'Клатч'],
      phrases: ['Сумка из натуральной кожи.', 'Вместительный рюкзак для города и походов.'],
    },
    en: {
      nouns: ['Bag', 'Backpack', 'Clutch'],
      phrases: ['A genuine leather bag.', 'A roomy backpack for the city and travelling.'],
    },
  },
  {
    category: 'Кошельки',
    price: [990, 7990],
    ru: {
      nouns: ['Кошелёк', 'Портмоне', 'Визитница'],
      phrases: ['Кошельки этой серии сшиты из кожи.', 'Отделения для карт и монет.'],
    },
    en: {
      nouns: ['Wallet', 'Purse', 'Card holder'],
      phrases: ['Wallets in this line are stitched from leather.', 'Slots for cards and coins.'],
    },
  },
  {
    category: 'Часы',
    price: [2990, 59990],
    ru: {
      nouns: ['Часы', 'Смарт-часы'],
      phrases: ['Часы с сапфировым стеклом.', 'Считают шаги во время бега.'],
    },
    en: {
      nouns: ['Watch', 'Smartwatch'],
      phrases: ['A watch with sapphire glass.', 'Counts your steps while running.'],
    },
  },
  {
    category: 'Украшения',
    price: [990, 49990],
    ru: {
      nouns: ['Серьги', 'Кольцо', 'Браслет', 'Кулон'],
      phrases: ['Украшение из серебра с позолотой.', 'Подарок к празднику.'],
    },
    en: {
      nouns: ['Earrings', 'Ring', 'Bracelet', 'Pendant'],
      phrases: ['Gold-plated silver jewellery.', 'A gift for the holidays.'],
    },
  },
  {
    category: 'Смартфоны',
    price: [9990, 129990],
    ru: {
      nouns: ['Смартфон', 'Телефон'],
      phrases: ['Яркий экран и быстрая зарядка.', 'Камера снимает ночью без шума.'],
    },
    en: {
      nouns: ['Smartphone', 'Phone'],
      phrases: ['A bright screen and fast charging.', 'The camera shoots clean photos at night.'],
    },
  },
  {
    category: 'Ноутбуки',
    price: [39990, 249990],
    ru: {
      nouns: ['Ноутбук', 'Ультрабук'],
      phrases: ['Лёгкий ноутбук для работы и учёбы.', 'Батарея держит весь рабочий день.'],
    },
    en: {
      nouns: ['Laptop', 'Ultrabook'],
      phrases: ['A light laptop for work and study.', 'The battery lasts a whole working day.'],
    },
  },
  {
    category: 'Наушники',
    price: [990, 39990],
    ru: {
      nouns: ['Наушники', 'Гарнитура'],
      phrases: ['Активное шумоподавление.', 'Не выпадают во время бега.'],
    },
    en: {
      nouns: ['Headphones', 'Earbuds', 'Headset'],
      phrases: ['Active noise cancelling.', 'Stay put while running.'],
    },
  },
  {
    category: 'Книги',
    price: [390, 2990],
    ru: {
      nouns: ['Книга', 'Роман', 'Сборник'],
      phrases: ['Твёрдый переплёт, хорошая бумага.', 'Бестселлер этого года.'],
    },
    en: {
      nouns: ['Book', 'Novel', 'Anthology'],
      phrases: ['Hardcover, good paper.', 'A bestseller of the year.'],
    },
  },
  {
    category: 'Игрушки',
    price: [490, 9990],
    ru: {
      nouns: ['Игрушка', 'Конструктор', 'Кукла'],
      phrases: ['Безопасные материалы для детей.', 'Развивает моторику и фантазию.'],
    },
    en: {
      nouns: ['Toy', 'Building set', 'Doll'],
      phrases: ['Safe materials for children.', 'Builds motor skills and imagination.'],
    },
  },
  {
    category: 'Посуда',
    price: [490, 14990],
    ru: {
      nouns: ['Кастрюля', 'Сковорода', 'Чайник'],
      phrases: ['Антипригарное покрытие.', 'Подходит для индукционных плит.'],
    },
    en: {
      nouns: ['Saucepan', 'Frying pan', 'Kettle'],
      phrases: ['Non-stick coating.', 'Works on induction hobs.'],
    },
  },
  {
    category: 'Спорт',
    price: [490, 39990],
    ru: {
      nouns: ['Мяч', 'Гантели', 'Коврик для йоги'],
      phrases: ['Для тренировок дома и в зале.', 'Выдерживает интенсивные нагрузки.'],
    },
    en: {
      nouns: ['Ball', 'Dumbbells', 'Yoga mat'],
      phrases: ['For training at home and in the gym.', 'Built for running drills and hard workouts.'],
    },
  },
  {
    category: 'Косметика',
    price: [290, 9990],
    ru: {
      nouns: ['Крем', 'Сыворотка', 'Шампунь'],
      phrases: ['Увлажняет и питает кожу.', 'Без парабенов и отдушек.'],
    },
    en: {
      nouns: ['Cream', 'Serum', 'Shampoo'],
      phrases: ['Moisturises and nourishes the skin.', 'Free of parabens and fragrance.'],
    },
  },
  {
    category: 'Мебель',
    price: [2990, 89990],
    ru: {
      nouns: ['Стул', 'Стол', 'Кресло', 'Полка'],
      phrases: ['Массив дуба, ручная работа.', 'Собирается за полчаса.'],
    },
    en: {
      nouns: ['Chair', 'Table', 'Armchair', 'Shelf'],
      phrases: ['Solid oak, made by hand.', 'Assembles in half an hour.'],
    },
  },
  {
    category: 'Сад',
    price: [290, 19990],
    ru: {
      nouns: ['Лейка', 'Секатор', 'Гамак'],
      phrases: ['Для сада и огорода.', 'Прослужит много сезонов.'],
    },
    en: {
      nouns: ['Watering can', 'Pruner', 'Hammock'],
      phrases: ['For the garden and allotment.', 'Will last many seasons.'],
    },
  },
  {
    category: 'Продукты',
    price: [190, 4990],
    ru: {
      nouns: ['Кофе', 'Чай', 'Мёд'],
      phrases: ['Свежая обжарка, насыщенный вкус.', 'Собран на горных плантациях.'],
    },
    en: {
      nouns: ['Coffee', 'Tea', 'Honey'],
      phrases: ['Freshly roasted, rich taste.', 'Grown on mountain plantations.'],
    },
  },
  {
    category: 'Зоотовары',
    price: [190, 9990],
    ru: {
      nouns: ['Корм', 'Лежанка', 'Когтеточка'],
      phrases: ['Для кошек и собак.', 'Полноценный рацион для питомцев.'],
    },
    en: {
      nouns: ['Pet food', 'Pet bed', 'Scratching post'],
      phrases: ['For cats and dogs.', 'A complete diet for pets.'],
    },
  },
  {
    category: 'Канцелярия',
    price: [50, 2990],
    ru: {
      nouns: ['Тетрадь', 'Ручка', 'Ежедневник'],
      phrases: ['Плотная бумага без просвечивания.', 'Для школы и офиса.'],
    },
    en: {
      nouns: ['Notebook', 'Pen', 'Planner'],
      phrases: ['Thick paper that does not bleed.', 'For school and the office.'],
    },
  },
  {
    category: 'Планшеты',
    price: [9990, 149990],
    ru: {
      nouns: ['Планшет', 'Электронная книга'],
      phrases: ['Большой экран для фильмов и чтения.', 'Поддержка стилуса.'],
    },
    en: {
      nouns: ['Tablet', 'E-reader'],
      phrases: ['A big screen for films and reading.', 'Supports a stylus.'],
    },
  },
  {
    category: 'Текстиль',
    price: [390, 12990],
    ru: {
      nouns: ['Полотенце', 'Плед', 'Постельное бельё'],
      phrases: ['Мягкий текстиль из хлопка и льна.', 'Приятный к телу материал.'],
    },
    en: {
      nouns: ['Towel', 'Blanket', 'Bed linen'],
      phrases: ['Soft cotton and linen textiles.', 'Pleasant to the touch.'],
    },
  },
];
