/// The broker's exchanges, named in one place for producers (outbox rows) and the topology.
public enum ExchangeNames {
    /// Domain events; routing key = event type.
    public static let events = "astrolab.events"
    /// Signal records; routing key = strategy id.
    public static let signals = "astrolab.signals"
    /// Where work queues send what they give up on; routing key = the work queue's name.
    public static let deadLetter = "astrolab.dlx"
}
