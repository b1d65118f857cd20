// Imported by every test file that uses TensorFlow.js, before tfjs's gradients and CPU backend.
// Each test file is a bundle of its own with its own copy of tfjs-core; the copies share one engine
// and one kernel registry (tfjs keeps them on the global object), so every copy after the first has
// its registrations refused with a warning per kernel. Production mode (which in tfjs-core only
// gates its warn()/log() output) silences them.
import { enableProdMode } from '@tensorflow/tfjs-core';

enableProdMode();
