/** The classifier: two conv blocks and a two-layer head, as a PyTorch user writes it. */
import type { Tensor } from '@kindling/core';
import { nn } from '@kindling/nn';

export class FashionCNN extends nn.Module {
  features = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.BatchNorm2d(16),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.BatchNorm2d(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
  );
  classifier = new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Dropout(0.25),
    new nn.Linear(128, 10),
  );

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}
