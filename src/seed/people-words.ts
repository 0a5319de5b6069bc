// The demo customers' names, Russian and English.

export const FIRST_NAMES = [
  'Анна',
  'Иван',
  'Мария',
  'Олег',
  'Елена',
  'Дмитрий',
  'Ольга',
  'Сергей',
  'Alice',
  'Bob',
  'Chloe',
  'David',
  'Emma',
  'Frank',
];
export const LAST_NAMES = [
  'Иванова',
  'Петров',
  'Смирнова',
  'Кузнецов',
  'Попова',
  'Соколов',
  'Smith',
  'Jones',
  'Brown',
  'Taylor',
];
