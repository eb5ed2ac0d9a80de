/** Fashion-MNIST's class names and pixel statistics: browser-safe, shared by the Node examples and the page. */
export const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Fashion-MNIST's mean and standard deviation over the training images, as PyTorch scripts use them. */
export const MEAN = 0.286;
export const STD = 0.353;
