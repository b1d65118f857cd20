/**
 * `gluon`: layers with named parameters, initializers, the Trainer, losses and data loaders, as
 * MXNet's Gluon (2.x), on the GradLens engine.
 *
 * ```ts
 * import { gluon, init, np, autograd } from 'gradlens';
 * const { nn } = gluon;
 * const net = new nn.Sequential().add(new nn.Dense(256, { activation: 'relu' }), new nn.Dense(10));
 * net.initialize(new init.Normal(0.01));
 * ```
 */
import { Block, ParameterDict } from './block';
import { Parameter } from './parameter';
import { Activation, Dense, Dropout, Flatten, Sequential } from './nn/basic';
import {
  AvgPool1D, AvgPool2D, Conv1D, Conv2D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, MaxPool1D, MaxPool2D,
} from './nn/conv';
import { BatchNorm, LayerNorm } from './nn/norm';
import { Embedding } from './nn/embedding';
import { rnn } from './rnn';

export const nn = {
  Block, Sequential, Dense, Activation, Flatten, Dropout,
  Conv1D, Conv2D, MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalAvgPool1D, GlobalAvgPool2D,
  BatchNorm, LayerNorm,
  Embedding,
};

import { Trainer } from './trainer';
import { loss } from './loss';
import { data } from './data';

export const gluon = {
  Parameter, ParameterDict, nn, Trainer, loss, data,
  rnn,
};
