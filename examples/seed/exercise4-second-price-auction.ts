// Exercise 4: in a second-price auction the winner pays the second-highest bid. The gradient of
// the price with respect to the bids is 1 for the second-highest bidder and 0 for everyone else,
// the winner included: the winner cannot change what they pay by changing their own bid (while
// they stay the winner), which is why bidding one's true value is the best strategy.
import { np, autograd } from 'gradlens';

const bids = np.array([3.0, 7.5, 5.0, 6.25]);
bids.attachGrad();
const price = autograd.record(() => np.sort(bids).at(-2));
price.backward();
console.log(price);
console.log(bids.grad);
const winner = np.argmax(bids).item();
console.log(bids.grad!.at(winner));
