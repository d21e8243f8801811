/// The bounded contexts of ProTalent, each a namespace of commands, events, state and rules.
public enum ProTalentDomain {}
