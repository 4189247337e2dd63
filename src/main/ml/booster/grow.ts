// Grows one tree on binned rows, XGBoost's `hist` way: a node's rows are a contiguous range of one row-index array
// (a split partitions its range in place, stably), each node that may split has a histogram of gradient and Hessian
// sums per bin, and of two children only the one with fewer rows is counted: the other's histogram is its parent's
// minus its sibling's (the subtraction trick halves the counting). Nodes are expanded depth first, so at most
// about maxDepth + 2 histograms are alive; the tree is the same as a level-by-level expansion would give, because a
// node's split depends only on its own rows. Every buffer is allocated once per training and reused by every tree.
import type { BinnedMatrix } from './binning';

export interface GrowthSettings {
  readonly maxDepth: number;
  readonly eta: number;
  readonly lambda: number;
  readonly gamma: number;
  readonly minChildWeight: number;
}

/** XGBoost's kRtEps: a split must reduce the loss by more than this to be made at all. */
const MIN_GAIN = 1e-6;

export class TreeGrower {
  /** Sampled rows; node n owns rowIndex[begin[n] .. end[n]). */
  readonly rowIndex: Uint32Array;
  private readonly scratch: Uint32Array;
  private sampleCount = 0;
  private readonly inSample: Uint8Array;
  /** The slots again, feature-major: a partition reads one feature of many rows, contiguous here. */
  private readonly columnSlots: Uint8Array | Uint16Array | Uint32Array;

  // The current tree's nodes (local ids; a split's children are allocated together, right = left + 1).
  nodeCount = 0;
  readonly feature: Int32Array;
  readonly splitBin: Int32Array;
  readonly threshold: Float32Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly value: Float32Array;
  readonly gain: Float32Array;
  readonly cover: Float32Array;
  private readonly begin: Int32Array;
  private readonly end: Int32Array;
  private readonly depth: Int32Array;
  private readonly sumGrad: Float64Array;
  private readonly sumHess: Float64Array;
  /** Histogram buffer of a node that may still split, or −1. */
  private readonly histOf: Int32Array;
  private readonly stack: Int32Array;

  private readonly histograms: Float64Array[] = [];
  private readonly freeHistograms: number[] = [];

  /** Features this tree may split on (ascending), and how many. */
  readonly selected: Int32Array;
  selectedCount: number;

  // The best split of the node being evaluated (fields, not an object, so evaluating allocates nothing).
  private bestGain = 0;
  private bestFeature = -1;
  private bestBin = 0;
  private bestDefaultLeft = 0;
  private bestLeftGrad = 0;
  private bestLeftHess = 0;

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly settings: GrowthSettings,
  ) {
    const rows = binned.rows;
    this.rowIndex = new Uint32Array(rows);
    this.scratch = new Uint32Array(rows);
    this.inSample = new Uint8Array(rows);
    const { bins, features } = binned;
    this.columnSlots = new (bins.constructor as new (length: number) => typeof bins)(bins.length);
    for (let r = 0; r < rows; r++) {
      for (let f = 0; f < features; f++) this.columnSlots[f * rows + r] = bins[r * features + f] as number;
    }
    const maxNodes = Math.min(2 ** (settings.maxDepth + 1) - 1, Math.max(1, 2 * rows - 1));
    this.feature = new Int32Array(maxNodes);
    this.splitBin = new Int32Array(maxNodes);
    this.threshold = new Float32Array(maxNodes);
    this.defaultLeft = new Uint8Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.value = new Float32Array(maxNodes);
    this.gain = new Float32Array(maxNodes);
    this.cover = new Float32Array(maxNodes);
    this.begin = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.depth = new Int32Array(maxNodes);
    this.sumGrad = new Float64Array(maxNodes);
    this.sumHess = new Float64Array(maxNodes);
    this.histOf = new Int32Array(maxNodes);
    this.stack = new Int32Array(maxNodes);
    this.selected = new Int32Array(binned.features);
    for (let f = 0; f < binned.features; f++) this.selected[f] = f;
    this.selectedCount = binned.features;
  }

  /** Takes every row, or each row with probability `subsample` (one draw per row, in row order). */
  sampleRows(subsample: number, next: () => number): void {
    const rows = this.binned.rows;
    let count = 0;
    for (let r = 0; r < rows; r++) {
      const taken = subsample >= 1 || next() < subsample;
      this.inSample[r] = taken ? 1 : 0;
      if (taken) this.rowIndex[count++] = r;
    }
    this.sampleCount = count;
  }

  /** Takes ⌊colsample × features⌋ features (at least one), chosen by a partial Fisher–Yates shuffle. */
  sampleFeatures(colsample: number, next: () => number): void {
    const features = this.binned.features;
    const order = this.selected;
    for (let f = 0; f < features; f++) order[f] = f;
    if (colsample >= 1) {
      this.selectedCount = features;
      return;
    }
    // XGBoost's count: the float32 product, truncated.
    const count = Math.max(1, Math.floor(Math.fround(Math.fround(colsample) * features)));
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(next() * (features - i));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
    order.subarray(0, count).sort();
    this.selectedCount = count;
  }

  /** Grows the tree for `gradHess` (gradient, Hessian interleaved per row) on the sampled rows and features. */
  grow(gradHess: Float32Array): void {
    const { maxDepth } = this.settings;
    let grad = 0;
    let hess = 0;
    for (let i = 0; i < this.sampleCount; i++) {
      const r = this.rowIndex[i] as number;
      grad += gradHess[2 * r] as number;
      hess += gradHess[2 * r + 1] as number;
    }
    this.nodeCount = 1;
    this.setNode(0, 0, this.sampleCount, 0, grad, hess);
    this.histOf[0] = -1;
    if (maxDepth > 0 && this.canSplit(0)) {
      this.histOf[0] = this.acquireHistogram();
      this.count(this.histograms[this.histOf[0] as number] as Float64Array, 0, this.sampleCount, gradHess);
    }
    let stacked = 0;
    this.stack[stacked++] = 0;
    while (stacked > 0) {
      const node = this.stack[--stacked] as number;
      const hist = this.histOf[node] as number;
      if (hist < 0 || !this.findSplit(node, this.histograms[hist] as Float64Array)) {
        if (hist >= 0) this.releaseHistogram(hist);
        this.makeLeaf(node);
        continue;
      }
      const left = this.split(node);
      const right = left + 1;
      const childDepth = (this.depth[node] as number) + 1;
      this.histOf[left] = -1;
      this.histOf[right] = -1;
      if (childDepth < maxDepth) {
        // Count the smaller child; the larger one's histogram is the parent's minus it, in the parent's buffer.
        const leftRows = (this.end[left] as number) - (this.begin[left] as number);
        const rightRows = (this.end[right] as number) - (this.begin[right] as number);
        const small = leftRows <= rightRows ? left : right;
        const large = small === left ? right : left;
        const smallHist = this.acquireHistogram();
        this.count(
          this.histograms[smallHist] as Float64Array,
          this.begin[small] as number,
          this.end[small] as number,
          gradHess,
        );
        this.subtract(this.histograms[hist] as Float64Array, this.histograms[smallHist] as Float64Array);
        this.histOf[small] = smallHist;
        this.histOf[large] = hist;
        this.dropHistogramIfLeaf(small);
        this.dropHistogramIfLeaf(large);
      } else {
        this.releaseHistogram(hist);
      }
      this.stack[stacked++] = right;
      this.stack[stacked++] = left;
    }
  }

  /** Adds the tree's leaf values to the margins of every training row (float32 sums, as prediction does). */
  addToMargins(margins: Float32Array): void {
    const { value, feature } = this;
    for (let node = 0; node < this.nodeCount; node++) {
      if ((feature[node] as number) >= 0) continue;
      const leafValue = value[node] as number;
      for (let i = this.begin[node] as number; i < (this.end[node] as number); i++) {
        const r = this.rowIndex[i] as number;
        margins[r] = (margins[r] as number) + leafValue;
      }
    }
    if (this.sampleCount === this.binned.rows) return;
    // Rows left out of this tree's sample still get its prediction: route them by their bins.
    for (let r = 0; r < this.binned.rows; r++) {
      if (this.inSample[r] === 1) continue;
      margins[r] = (margins[r] as number) + (value[this.leafOfRow(r)] as number);
    }
  }

  private leafOfRow(r: number): number {
    const { bins, features, binCount, offset } = this.binned;
    let node = 0;
    let f = this.feature[0] as number;
    while (f >= 0) {
      const bin = (bins[r * features + f] as number) - (offset[f] as number);
      const goLeft =
        bin === (binCount[f] as number)
          ? this.defaultLeft[node] === 1
          : bin <= (this.splitBin[node] as number);
      node = (this.left[node] as number) + (goLeft ? 0 : 1);
      f = this.feature[node] as number;
    }
    return node;
  }

  private setNode(node: number, begin: number, end: number, depth: number, grad: number, hess: number) {
    this.begin[node] = begin;
    this.end[node] = end;
    this.depth[node] = depth;
    this.sumGrad[node] = grad;
    this.sumHess[node] = hess;
    this.cover[node] = hess;
    this.gain[node] = 0;
    this.feature[node] = -1;
    this.value[node] = this.weightOf(grad, hess) * this.settings.eta;
  }

  /** XGBoost's leaf weight −G/(H+λ), or 0 when the node's Hessian is below min_child_weight. */
  private weightOf(grad: number, hess: number): number {
    const { lambda, minChildWeight } = this.settings;
    if (hess < minChildWeight || hess <= 0) return 0;
    // 0 − … rather than −…: a zero gradient gives 0, never −0, so model files never read "-0".
    return 0 - grad / (hess + lambda);
  }

  /** Whether a node could have two children each of at least min_child_weight. */
  private canSplit(node: number): boolean {
    return (
      (this.end[node] as number) - (this.begin[node] as number) >= 2 &&
      (this.sumHess[node] as number) >= 2 * this.settings.minChildWeight
    );
  }

  private dropHistogramIfLeaf(node: number): void {
    if (this.canSplit(node)) return;
    this.releaseHistogram(this.histOf[node] as number);
    this.histOf[node] = -1;
  }

  private makeLeaf(node: number): void {
    this.feature[node] = -1;
    this.gain[node] = 0;
  }

  /**
   * The best split of a node by XGBoost's loss change, G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (XGBoost's code leaves
   * out the paper's ½ and compares the change with gamma rather than subtracting it). For each bin boundary, missing
   * values are tried on the right, then (when the node has some) on the left; the first best wins ties, so the
   * lowest feature and bin, missing right, are preferred. Returns false when no split is allowed.
   */
  private findSplit(node: number, hist: Float64Array): boolean {
    const { lambda, minChildWeight, gamma } = this.settings;
    const { binCount, offset } = this.binned;
    const grad = this.sumGrad[node] as number;
    const hess = this.sumHess[node] as number;
    const parentScore = (grad * grad) / (hess + lambda);
    let bestGain = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < this.selectedCount; k++) {
      const f = this.selected[k] as number;
      const bins = binCount[f] as number;
      const first = (offset[f] as number) << 1;
      const missingGrad = hist[first + 2 * bins] as number;
      const missingHess = hist[first + 2 * bins + 1] as number;
      const hasMissing = missingHess > 0;
      let leftGrad = 0;
      let leftHess = 0;
      for (let b = 0; b < bins; b++) {
        leftGrad += hist[first + 2 * b] as number;
        leftHess += hist[first + 2 * b + 1] as number;
        // Missing values go right.
        let rightGrad = grad - leftGrad;
        let rightHess = hess - leftHess;
        if (leftHess >= minChildWeight && rightHess >= minChildWeight && leftHess > 0 && rightHess > 0) {
          const gain =
            (leftGrad * leftGrad) / (leftHess + lambda) +
            (rightGrad * rightGrad) / (rightHess + lambda) -
            parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            this.bestFeature = f;
            this.bestBin = b;
            this.bestDefaultLeft = 0;
            this.bestLeftGrad = leftGrad;
            this.bestLeftHess = leftHess;
          }
        }
        if (!hasMissing || b === bins - 1) continue;
        // Missing values go left.
        const withMissingGrad = leftGrad + missingGrad;
        const withMissingHess = leftHess + missingHess;
        rightGrad = grad - withMissingGrad;
        rightHess = hess - withMissingHess;
        if (
          withMissingHess >= minChildWeight &&
          rightHess >= minChildWeight &&
          withMissingHess > 0 &&
          rightHess > 0
        ) {
          const gain =
            (withMissingGrad * withMissingGrad) / (withMissingHess + lambda) +
            (rightGrad * rightGrad) / (rightHess + lambda) -
            parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            this.bestFeature = f;
            this.bestBin = b;
            this.bestDefaultLeft = 1;
            this.bestLeftGrad = withMissingGrad;
            this.bestLeftHess = withMissingHess;
          }
        }
      }
    }
    this.bestGain = bestGain;
    return bestGain > MIN_GAIN && bestGain >= gamma;
  }

  /** Makes `node` the best split found and partitions its rows (stably); returns the left child's id. */
  private split(node: number): number {
    const f = this.bestFeature;
    const splitBin = this.bestBin;
    const defaultLeft = this.bestDefaultLeft;
    const { binCount, offset, cuts } = this.binned;
    const missingSlot = (offset[f] as number) + (binCount[f] as number);
    const lastLeftSlot = (offset[f] as number) + splitBin;
    this.feature[node] = f;
    this.splitBin[node] = splitBin;
    this.threshold[node] = cuts[(offset[f] as number) + splitBin] as number;
    this.defaultLeft[node] = defaultLeft;
    this.gain[node] = this.bestGain;
    const left = this.nodeCount;
    this.left[node] = left;
    this.nodeCount += 2;

    const begin = this.begin[node] as number;
    const end = this.end[node] as number;
    const rowIndex = this.rowIndex;
    const scratch = this.scratch;
    let write = begin;
    let rights = 0;
    const column = this.columnSlots;
    const start = f * this.binned.rows;
    // Branch-free: which side a row goes is a coin flip to the CPU's predictor, so each row is written to both
    // lists and only the count of its side advances (write never passes i, so nothing unread is overwritten).
    for (let i = begin; i < end; i++) {
      const r = rowIndex[i] as number;
      const slot = column[start + r] as number;
      const goLeft = Number(slot <= lastLeftSlot) | (Number(slot === missingSlot) & defaultLeft);
      rowIndex[write] = r;
      scratch[rights] = r;
      write += goLeft;
      rights += 1 - goLeft;
    }
    for (let k = 0; k < rights; k++) rowIndex[write + k] = scratch[k] as number;

    const depth = (this.depth[node] as number) + 1;
    const grad = this.sumGrad[node] as number;
    const hess = this.sumHess[node] as number;
    this.setNode(left, begin, write, depth, this.bestLeftGrad, this.bestLeftHess);
    this.setNode(left + 1, write, end, depth, grad - this.bestLeftGrad, hess - this.bestLeftHess);
    return left;
  }

  /** Gradient and Hessian sums per bin of the rows in rowIndex[begin .. end), for the sampled features. */
  private count(hist: Float64Array, begin: number, end: number, gradHess: Float32Array): void {
    hist.fill(0);
    const { bins, features } = this.binned;
    const rowIndex = this.rowIndex;
    const selected = this.selected;
    const selectedCount = this.selectedCount;
    if (selectedCount === features) {
      for (let i = begin; i < end; i++) {
        const r = rowIndex[i] as number;
        const grad = gradHess[2 * r] as number;
        const hess = gradHess[2 * r + 1] as number;
        const base = r * features;
        let f = 0;
        // Four features per step: fewer loop tests, and four independent updates for the CPU to overlap.
        for (; f + 4 <= features; f += 4) {
          const s0 = (bins[base + f] as number) << 1;
          const s1 = (bins[base + f + 1] as number) << 1;
          const s2 = (bins[base + f + 2] as number) << 1;
          const s3 = (bins[base + f + 3] as number) << 1;
          hist[s0] = (hist[s0] as number) + grad;
          hist[s0 + 1] = (hist[s0 + 1] as number) + hess;
          hist[s1] = (hist[s1] as number) + grad;
          hist[s1 + 1] = (hist[s1 + 1] as number) + hess;
          hist[s2] = (hist[s2] as number) + grad;
          hist[s2 + 1] = (hist[s2 + 1] as number) + hess;
          hist[s3] = (hist[s3] as number) + grad;
          hist[s3 + 1] = (hist[s3 + 1] as number) + hess;
        }
        for (; f < features; f++) {
          const slot = (bins[base + f] as number) << 1;
          hist[slot] = (hist[slot] as number) + grad;
          hist[slot + 1] = (hist[slot + 1] as number) + hess;
        }
      }
      return;
    }
    for (let i = begin; i < end; i++) {
      const r = rowIndex[i] as number;
      const grad = gradHess[2 * r] as number;
      const hess = gradHess[2 * r + 1] as number;
      const base = r * features;
      for (let k = 0; k < selectedCount; k++) {
        const slot = (bins[base + (selected[k] as number)] as number) << 1;
        hist[slot] = (hist[slot] as number) + grad;
        hist[slot + 1] = (hist[slot + 1] as number) + hess;
      }
    }
  }

  /** parent −= child over the sampled features' slots. */
  private subtract(parent: Float64Array, child: Float64Array): void {
    const { binCount, offset } = this.binned;
    for (let k = 0; k < this.selectedCount; k++) {
      const f = this.selected[k] as number;
      const from = (offset[f] as number) << 1;
      const to = from + (((binCount[f] as number) + 1) << 1);
      for (let s = from; s < to; s++) parent[s] = (parent[s] as number) - (child[s] as number);
    }
  }

  private acquireHistogram(): number {
    const free = this.freeHistograms.pop();
    if (free !== undefined) return free;
    this.histograms.push(new Float64Array(this.binned.slots * 2));
    return this.histograms.length - 1;
  }

  private releaseHistogram(id: number): void {
    this.freeHistograms.push(id);
  }
}
