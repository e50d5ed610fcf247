/**
 * Metrics across the API's processes (node:cluster). A scrape reaches one serving process, whose
 * own counters say nothing about its siblings: it asks the primary, which gathers every process's
 * registry over the cluster's IPC channel (prom-client's AggregatorRegistry: counters and
 * histograms summed, each metric's own aggregator otherwise) and sends back one exposition.
 */
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

const ASK = "sira:metrics:ask";
const ANSWER = "sira:metrics:answer";

interface Ask {
  type: typeof ASK;
  id: number;
}
interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/** In the primary: answer a serving process's request with every process's metrics, aggregated. */
export function answerClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker: Worker, message: Ask) => {
    if (message?.type !== ASK) return;
    const reply = (answer: Omit<Answer, "type" | "id">) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: Error) => reply({ error: error.message }),
    );
  });
}

/** In a serving process: `registry` is what this process gives when the primary gathers metrics. */
export function joinClusterMetrics(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's listener that answers the primary's requests.
  new AggregatorRegistry();
}

let nextId = 0;

/** In a serving process: every process's metrics, through the primary (rejects after `timeoutMs`). */
export function clusterMetrics(timeoutMs = 5_000): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: Answer) => {
      if (message?.type !== ANSWER || message.id !== id) return;
      done();
      if (message.error !== undefined || message.text === undefined) {
        reject(new Error(`the primary could not gather the metrics: ${message.error}`));
      } else resolve(message.text);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the primary did not send the metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off("message", onMessage);
    };
    process.on("message", onMessage);
    process.send?.({ type: ASK, id } satisfies Ask);
  });
}
