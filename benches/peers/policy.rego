# The crypto and scope rules CRY003, CRY005, CRY006, SCO001, SCO002, SCO003 of
# menulint's built-in packs, written in Rego for the side-by-side benchmark.
package menulint

import rego.v1

allowed_classes := {"us_equity", "international_equity", "emerging_markets_equity", "global_equity", "fixed_income", "high_yield", "inflation_protected", "money_market", "stable_value", "target_date", "balanced", "managed_account", "real_estate", "commodities", "digital_asset", "multi_asset_alternative", "other"}

allowed_vehicles := {"mutual_fund", "etf", "cit", "separate_account", "group_annuity", "stable_value", "managed_account", "brokerage_window"}

allowed_assets := {"BTC", "ETH"}

digital := [i | some i, o in input.options; o.asset_class == "digital_asset"]

deny contains {"rule": "CRY003", "option": input.options[i].id} if {
	some k, i in digital
	k >= 1
}

deny contains {"rule": "CRY005", "option": o.id} if {
	some o in input.options
	some a in object.get(object.get(o, "exposure", {}), "crypto_assets", [])
	not allowed_assets[a]
}

deny contains {"rule": "CRY006", "option": o.id} if {
	some o in input.options
	o.asset_class == "digital_asset"
	not qualified(o)
}

qualified(o) if {
	o.custody.custodian
	o.custody.qualified_custodian == true
}

deny contains {"rule": "SCO001", "option": o.id} if {
	some o in input.options
	not allowed_classes[o.asset_class]
}

deny contains {"rule": "SCO002", "option": o.id} if {
	some o in input.options
	not allowed_vehicles[o.vehicle]
}

deny contains {"rule": "SCO003", "option": o.id} if {
	some o in input.options
	object.get(o, "leverage", 1.0) != 1.0
}
